"""The one error type services raise; its message is meant for the user who caused it."""


class ServiceError(Exception):
    """A rule of the shop refused the change; nothing was changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)
