"""The one notification service: in-app list, e-mail, DingTalk and WeCom group robots."""
