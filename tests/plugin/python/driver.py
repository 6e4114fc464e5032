"""Runs one Pulumi operation on a Python program that uses the acr-tokens plugin's generated SDK.

Driven by tests/plugin/python.test.ts: `python driver.py <up|refresh|destroy>`, with the settings as
JSON in ACR_TOKENS_E2E (the emulator's endpoint, access tokens, folders). Through the Pulumi
Automation API's inline program (the Python language host, pulumi-language-python, cannot be built
here) and the real CLI with a file backend. Prints one JSON line: the stack outputs (secrets revealed,
for the test to check against the emulator; never printed by the test), what refresh found, and
the TokenPasswords' state.
"""

import json
import os
import sys

import pulumi
import pulumi_acr_tokens as acr
from pulumi import automation as auto

SETTINGS = json.loads(os.environ["ACR_TOKENS_E2E"])


def program() -> None:
    config = pulumi.Config()
    # The default provider takes its settings from stack config (acr-tokens:accessToken, acr-tokens:armEndpoint).
    token = acr.RegistryToken(
        "ci-pull",
        registry_name=config.require("registryName"),
        resource_group_name=config.require("resourceGroupName"),
        repositories={"app": [acr.RepositoryAction.CONTENT_READ, acr.RepositoryAction.METADATA_READ]},
    ) if config.get_bool("useRegistryToken") else None
    token_id = token.token_id if token is not None else config.require("tokenId")
    first = acr.TokenPassword("ci-pull-1", token_id=token_id, slot=acr.PasswordSlot.PASSWORD1, expires_in_days=30)
    # The second through an explicit provider with its own (secret) access token.
    byo = acr.Provider("byo", access_token=config.require_secret("byoAccessToken"), arm_endpoint=config.require("armEndpoint"))
    second = acr.TokenPassword(
        "ci-pull-2", token_id=token_id, slot=acr.PasswordSlot.PASSWORD2, opts=pulumi.ResourceOptions(provider=byo)
    )
    # Adopts a slot made outside Pulumi with the `import` resource option (`pulumi import` itself needs the
    # Python language host): the engine reads it by its id and checks these inputs against what it read.
    import_id = config.get("importId")
    if import_id:
        adopted = acr.TokenPassword(
            "adopted",
            token_id=import_id.rsplit("/passwords/", 1)[0],
            slot=acr.PasswordSlot.PASSWORD2,
            opts=pulumi.ResourceOptions(import_=import_id),
        )
        pulumi.export("adoptedPassword", adopted.password)
    pulumi.export("tokenId", token_id)
    pulumi.export("username", first.username)
    pulumi.export("password1", first.password)
    pulumi.export("password2", second.password)


def stack() -> auto.Stack:
    project = auto.ProjectSettings(
        name="acr-tokens-e2e", runtime="python", backend=auto.ProjectBackend(url=f"file://{SETTINGS['stateDir']}")
    )
    options = auto.LocalWorkspaceOptions(
        work_dir=SETTINGS["workDir"],
        pulumi_home=SETTINGS["pulumiHome"],
        project_settings=project,
        pulumi_command=auto.PulumiCommand(root=SETTINGS["cliRoot"], skip_version_check=True),
    )
    s = auto.create_or_select_stack(stack_name="e2e", project_name="acr-tokens-e2e", program=program, opts=options)
    s.set_all_config(
        {
            "acr-tokens:accessToken": auto.ConfigValue(value=SETTINGS["accessToken"], secret=True),
            "acr-tokens:armEndpoint": auto.ConfigValue(value=SETTINGS["armEndpoint"]),
            "acr-tokens-e2e:byoAccessToken": auto.ConfigValue(value=SETTINGS["byoAccessToken"], secret=True),
            "acr-tokens-e2e:armEndpoint": auto.ConfigValue(value=SETTINGS["armEndpoint"]),
            "acr-tokens-e2e:registryName": auto.ConfigValue(value=SETTINGS["registryName"]),
            "acr-tokens-e2e:resourceGroupName": auto.ConfigValue(value=SETTINGS["resourceGroupName"]),
            "acr-tokens-e2e:useRegistryToken": auto.ConfigValue(value="true" if SETTINGS["useRegistryToken"] else "false"),
            "acr-tokens-e2e:tokenId": auto.ConfigValue(value=SETTINGS.get("tokenId") or ""),
            "acr-tokens-e2e:importId": auto.ConfigValue(value=SETTINGS.get("importId") or ""),
        }
    )
    return s


def passwords(s: auto.Stack) -> dict:
    """The TokenPasswords in the checkpoint: name -> their outputs but the (encrypted) password."""
    found = {}
    for r in s.export_stack().deployment.get("resources", []):
        if r.get("type") == "acr-tokens:index:TokenPassword":
            found[r["urn"].split("::")[-1]] = {k: v for k, v in r.get("outputs", {}).items() if k != "password"}
    return found


def main() -> None:
    op = sys.argv[1]
    s = stack()
    result = {"op": op}
    if op == "up":
        up = s.up(on_output=lambda line: None)
        result["outputs"] = {k: v.value for k, v in up.outputs.items()}
        result["changes"] = up.summary.resource_changes
    elif op == "refresh":
        refreshed = s.refresh(on_output=lambda line: None)
        result["changes"] = refreshed.summary.resource_changes
    elif op == "preview":
        preview = s.preview(on_output=lambda line: None)
        result["changes"] = preview.change_summary
    elif op == "destroy":
        destroyed = s.destroy(on_output=lambda line: None)
        result["changes"] = destroyed.summary.resource_changes
    else:
        raise SystemExit(f"unknown operation {op}")
    result["passwords"] = passwords(s)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
