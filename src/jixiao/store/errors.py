"""Errors of the service layer. Every message is Chinese and meant for the user; the web layer maps
``status`` to the HTTP status code and the message to ``{"detail": …}``."""

from __future__ import annotations


class ServiceError(Exception):
    """Root of the service errors; ``message`` is shown to the user."""

    status = 400

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class InvalidInput(ServiceError):
    """Input that cannot be used (bad value, unknown field, missing reason …)."""

    status = 400


class NotFound(ServiceError):
    """The object does not exist, or the user may not see it (the two are not told apart)."""

    status = 404

    def __init__(self, message: str = "报告不存在或无权查看"):
        super().__init__(message)


class PermissionDenied(ServiceError):
    """The user sees the object but may not do this to it."""

    status = 403


class ConflictError(ServiceError):
    """Optimistic locking: the report changed since the version the edit was based on."""

    status = 409

    def __init__(self, message: str = "该报告已被他人修改，请刷新后重试"):
        super().__init__(message)


class UploadRejected(InvalidInput):
    """A file refused before it is stored (too large, wrong type, empty)."""

    status = 400
