"""The local stack's errors: each says what failed and where, so that `ebox-local` can report it in a line."""

from __future__ import annotations


class LocalStackError(Exception):
    """Base of every error the local stack raises on purpose."""


class TemplateError(LocalStackError):
    """template.yaml cannot be read or resolved as CloudFormation would."""


class UnresolvedReference(TemplateError):
    """A `Ref`, `GetAtt` or `${...}` names nothing that is declared (or an attribute not emulated)."""

    def __init__(self, reference: str, detail: str) -> None:
        super().__init__(f"{reference}: {detail}")
        self.reference = reference


class UnsupportedIntrinsic(TemplateError):
    """An intrinsic function the local stack cannot evaluate (e.g. `Fn::ImportValue`)."""


class ProvisioningError(LocalStackError):
    """A resource of the template could not be created in the emulator."""

    def __init__(self, logical_id: str, resource_type: str, cause: Exception) -> None:
        super().__init__(f"{logical_id} ({resource_type}): {type(cause).__name__}: {cause}")
        self.logical_id = logical_id
        self.resource_type = resource_type


class HandlerNotFound(LocalStackError):
    """A function's `CodeUri` + `Handler` does not name a module attribute that exists."""


class StackAlreadyRunning(LocalStackError):
    """moto keeps its state per process: only one local stack may run in a process at a time."""


class PortUnavailable(LocalStackError):
    """The API or the AWS emulation cannot listen on the port asked for."""
