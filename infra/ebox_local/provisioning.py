"""Creates every resource of template.yaml in the emulator, through the AWS APIs, in dependency order,
and describes what it made. The template stays the one list of resources: nothing here names one."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3

from ebox_local import apigateway_resources, cfn_monitoring, cfn_resources, sam_api, sam_resources
from ebox_local.errors import LocalStackError, ProvisioningError, TemplateError
from ebox_local.model import (
    PREFIX,
    ApiRoute,
    ClientFactory,
    Creator,
    LocalFunction,
    Provisioned,
    ProvisioningContext,
    Resource,
    SqsMapping,
)
from ebox_local.template import Resolver, load_template, references

__all__ = ["ApiRoute", "LocalFunction", "Provisioned", "SqsMapping", "check_references", "creation_order",
           "provision_template"]
logger = logging.getLogger("ebox_local")
CREATORS: dict[str, Creator] = {**cfn_resources.CREATORS, **cfn_monitoring.CREATORS, **sam_resources.CREATORS,
                                **apigateway_resources.CREATORS, "AWS::Serverless::Api": sam_api.serverless_api}
NOT_EMULATED = {
    "AWS::Serverless::HttpApi": "served by the local API gateway",
    "AWS::IAM::Policy": "IAM is not enforced locally",
    "AWS::Lambda::Permission": "IAM is not enforced locally",
}


def provision_template(template_path: Path, parameters: Mapping[str, str] | None = None, *,
                       clients: ClientFactory | None = None, region: str | None = None, prefix: str = PREFIX,
                       invocation_url: Callable[[str], str] | None = None) -> Provisioned:
    """Creates the template's resources where the boto3 clients point (AWS_ENDPOINT_URL, or moto's
    in-process mock) and returns their description. ``clients(service)`` builds a client; by default a
    boto3 session in ``region`` (default: AWS_REGION / AWS_DEFAULT_REGION / eu-west-1). ``prefix`` begins
    the names the template leaves open (unique ones let an emulator that keeps its state, like LocalStack,
    be provisioned again); ``invocation_url(name)``, for an emulator in another process, is where it
    must send a function's invocations (see ebox_local.invocations)."""
    template = load_template(template_path)
    check_references(template)
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    ctx = ProvisioningContext(
        root=template_path.resolve().parent, template=template, resolver=Resolver(template, region, parameters),
        region=region, clients=clients or _session_clients(region), result=Provisioned(region=region),
        prefix=prefix, invocation_url=invocation_url)
    for logical_id in creation_order(template):
        _create(ctx, logical_id, template["Resources"][logical_id])
    result = ctx.result
    result.refs = dict(ctx.resolver.refs)
    result.environment = _process_environment(result.functions.values())
    result.binary_media_types = _binary_media_types(template)
    return result


def _session_clients(region: str) -> ClientFactory:
    session = boto3.session.Session(region_name=region)
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = session.client(service)  # type: ignore[call-overload]
        return made[service]

    return client


def check_references(template: Mapping[str, Any]) -> None:
    """Every Ref/GetAtt/${...} names a parameter, a pseudo parameter or a resource: checked before
    anything is created, so that a typo fails in one line rather than half-way through."""
    known = set(template["Resources"]) | set(template.get("Parameters") or {}) | _implicit_resources(template)
    sections = {"Globals": template.get("Globals", {}), "Conditions": template.get("Conditions", {}),
                **{logical_id: spec for logical_id, spec in template["Resources"].items()}}
    for where, fragment in sections.items():
        unknown = {name for name in references(fragment) if name not in known and not name.startswith("AWS::")}
        if unknown:
            raise TemplateError(f"{where} refers to {', '.join(sorted(unknown))}, which the template does not declare")


def _implicit_resources(template: Mapping[str, Any]) -> set[str]:
    """What SAM's transform adds on its own and a template may name: the implicit REST API of the
    functions' `Type: Api` events (e.g. as a CloudFront origin)."""
    has_api = any(event.get("Type") == "Api" for spec in template["Resources"].values()
                  if spec.get("Type") == "AWS::Serverless::Function"
                  for event in ((spec.get("Properties") or {}).get("Events") or {}).values())
    return {"ServerlessRestApi"} if has_api else set()


def creation_order(template: Mapping[str, Any]) -> list[str]:
    """Logical ids so that each comes after everything it refers to (Ref, GetAtt, Sub, DependsOn,
    and the Globals a function inherits); template order otherwise. A cycle is a TemplateError."""
    resources: dict[str, Any] = template["Resources"]
    function_globals = references(template.get("Globals", {}).get("Function", {}))
    needs: dict[str, set[str]] = {}
    for logical_id, spec in resources.items():
        depends_on = spec.get("DependsOn", [])
        found = references(spec.get("Properties", {}))
        found |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        if spec.get("Type") == "AWS::Serverless::Function":
            found |= function_globals
        needs[logical_id] = (found & set(resources)) - {logical_id}
    order: list[str] = []
    while len(order) < len(resources):
        ready = [r for r in resources if r not in order and needs[r] <= set(order)]
        if not ready:
            stuck = sorted(set(resources) - set(order))
            raise TemplateError(f"circular references between: {', '.join(stuck)}")
        order.extend(ready[:1])
    return order


def _create(ctx: ProvisioningContext, logical_id: str, spec: dict[str, Any]) -> None:
    kind = str(spec.get("Type"))
    if "Condition" in spec and not ctx.resolver.condition(spec["Condition"]):
        logger.info("template: %s (%s) skipped: condition %s is false", logical_id, kind, spec["Condition"])
        return
    creator = CREATORS.get(kind)
    if creator is None:
        reason = NOT_EMULATED.get(kind, "type not emulated by the local stack")
        logger.info("template: %s (%s) skipped: %s", logical_id, kind, reason)
        placeholder = f"{ctx.prefix}-{logical_id}"
        ctx.resolver.refs[logical_id] = placeholder
        ctx.resolver.placeholders.add(logical_id)
        ctx.result.resources[logical_id] = Resource(logical_id, kind, placeholder, emulated=False)
        return
    try:
        physical_id, attributes = creator(ctx, logical_id, dict(spec.get("Properties") or {}))
    except LocalStackError:
        raise
    except Exception as error:  # noqa: BLE001 - a botocore/moto failure, reported with the resource it concerns
        raise ProvisioningError(logical_id, kind, error) from error
    ctx.resolver.refs[logical_id] = physical_id
    for name, value in attributes.items():
        ctx.resolver.attributes[(logical_id, name)] = value
    ctx.result.resources[logical_id] = Resource(logical_id, kind, physical_id)
    logger.info("template: created %s (%s) %s", logical_id, kind, physical_id)


def _process_environment(functions: Any) -> dict[str, str]:
    """Every function's variables in one environment (all handlers share this process). A variable
    two functions set differently cannot be right for both: said once, loudly; the last one wins."""
    union: dict[str, str] = {}
    owner: dict[str, str] = {}
    for function in functions:
        for name, value in function.environment.items():
            if name in union and union[name] != value:
                logger.warning("template: %s is %r for %s but %r for %s; the process keeps the latter",
                               name, union[name], owner[name], value, function.logical_id)
            union[name], owner[name] = value, function.logical_id
    return union


def _binary_media_types(template: Mapping[str, Any]) -> list[str]:
    """API Gateway's BinaryMediaTypes (Globals.Api and Serverless::Api resources), `~1` decoded."""
    declared = list(template.get("Globals", {}).get("Api", {}).get("BinaryMediaTypes", []))
    for spec in template["Resources"].values():
        if spec.get("Type") == "AWS::Serverless::Api":
            declared += (spec.get("Properties") or {}).get("BinaryMediaTypes", [])
    return [str(t).replace("~1", "/") for t in declared if isinstance(t, str)]
