"""How a person is named on every page, message and export: one helper, not one expression per place."""


def display_name(user):
    """A person's full name, or their username when they have none; empty for nobody (the system)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
