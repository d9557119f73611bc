"""How a buyer's phone, name and address are shown: in full only to those whose work needs them (customer service
and the shop manager, `roles.selectors.sees_contact_details`), masked for everyone else. One helper each, used by
every page and export that shows a buyer."""
import re

DIGITS = re.compile(r"\d")


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`; a short number keeps only its last two digits."""
    phone = (phone or "").strip()
    digits = DIGITS.findall(phone)
    if len(digits) >= 7:
        return "".join(digits[:3]) + "****" + "".join(digits[-4:])
    return "*" * max(len(phone) - 2, 0) + phone[-2:] if phone else ""


def mask_name(name: str) -> str:
    """`张小明` → `张**`: the family name only."""
    name = (name or "").strip()
    return name[:1] + "*" * min(len(name) - 1, 4) if name else ""


def mask_address(address: str) -> str:
    """The province and city (the address's first two parts), the rest hidden: `浙江省 杭州市 ***`."""
    parts = (address or "").split()
    if not parts:
        return ""
    return " ".join(parts[:2] + ["***"]) if len(parts) > 2 else parts[0] + " ***"
