"""Domain errors raised by services; views turn them into form or JSON errors."""


class DomainError(Exception):
    """A request the domain refuses. `code` is stable for the API; `fields` names bad inputs."""

    code = "invalid"
    status = 400

    def __init__(self, message, fields=None, code=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationError(DomainError):
    code = "validation_failed"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
