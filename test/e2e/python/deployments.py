"""Template deployments with the Python SDK (azure-mgmt-resource, Debian's python3-azure), driven by
test/e2e/pythonDeployments.e2e.test.ts: reads its settings as JSON on stdin, deploys a template into
a group it creates, runs whatIf, lists the deployment's operations and the group's deployments, and
prints what it saw as JSON on stdout. REQUESTS_CA_BUNDLE makes it trust Arclight's CA."""
import json
import sys

from azure.identity import ClientSecretCredential
from azure.mgmt.resource import ResourceManagementClient
from azure.mgmt.resource.resources.models import (
    Deployment,
    DeploymentProperties,
    DeploymentWhatIf,
    DeploymentWhatIfProperties,
    ResourceGroup,
)


def main():
    cfg = json.load(sys.stdin)
    base = cfg["baseUrl"]
    # Tenant "adfs": MSAL runs no instance discovery for an AD FS authority, whatever the
    # azure-identity version (README "Python"); Arclight finds the client's tenant itself.
    credential = ClientSecretCredential("adfs", cfg["clientId"], cfg["secret"], authority=base)
    client = ResourceManagementClient(
        credential, cfg["subscriptionId"], base_url=base,
        credential_scopes=["https://management.azure.com/.default"],
    )
    group, name = cfg["group"], cfg["name"]
    client.resource_groups.create_or_update(group, ResourceGroup(location=cfg["location"]))
    parameters = {k: {"value": v} for k, v in cfg["parameters"].items()}
    properties = DeploymentProperties(mode="Incremental", template=cfg["template"], parameters=parameters)
    deployed = client.deployments.begin_create_or_update(
        group, name, Deployment(properties=properties), polling_interval=0.05,
    ).result()
    what_if = client.deployments.begin_what_if(
        group, name,
        DeploymentWhatIf(properties=DeploymentWhatIfProperties(mode="Incremental", template=cfg["template"], parameters=parameters)),
        polling_interval=0.05,
    ).result()
    operations = list(client.deployment_operations.list(group, name))
    names = [d.name for d in client.deployments.list_by_resource_group(group)]
    exported = client.deployments.export_template(group, name)
    at_subscription = None
    if cfg.get("subscriptionTemplate"):
        sub = cfg["subscriptionTemplate"]
        at_subscription = client.deployments.begin_create_or_update_at_subscription_scope(
            sub["name"],
            Deployment(location=sub["location"], properties=DeploymentProperties(
                mode="Incremental", template=sub["template"],
                parameters={k: {"value": v} for k, v in sub["parameters"].items()},
            )),
            polling_interval=0.05,
        ).result()
    json.dump({
        "subscriptionDeployment": None if at_subscription is None else {
            "id": at_subscription.id,
            "location": at_subscription.location,
            "provisioningState": at_subscription.properties.provisioning_state,
            "outputs": at_subscription.properties.outputs,
        },
        "provisioningState": deployed.properties.provisioning_state,
        "outputs": deployed.properties.outputs,
        "outputResources": [r.id for r in (deployed.properties.output_resources or [])],
        "whatIf": sorted(c.change_type for c in what_if.changes),
        "operations": [o.properties.provisioning_state for o in operations],
        "deployments": names,
        "exportedTemplate": exported.template,
    }, sys.stdout)


if __name__ == "__main__":
    main()
