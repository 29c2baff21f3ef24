"""testcontainers-python starts the partnerd image (PARTNERD_IMAGE) through the Docker API
(DOCKER_HOST, podman's socket here), waits for /readyz, and a client lists the demo customers
and creates one, as docs/clients.md shows. Exits non-zero, with the reason, when anything is
not as expected. Run by crates/partnerd/tests/testcontainers.rs."""

import json
import os
import sys
import urllib.request
import uuid

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HttpWaitStrategy

DEMO_PARTNER = "c0ffee00-0000-4000-8000-000000000001"


def call(method, url, body=None, token=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.load(response)


def main():
    container = (
        DockerContainer(os.environ["PARTNERD_IMAGE"])
        .with_exposed_ports(8080)
        .with_env("PARTNERD_DEMO_CUSTOMERS", "20")
        .waiting_for(HttpWaitStrategy(8080, "/readyz").for_status_code(200))
    )
    with container:
        base_url = f"http://{container.get_container_host_ip()}:{container.get_exposed_port(8080)}"
        # A development token from the control plane (the sandbox serves one for any partner).
        _, issued = call("POST", f"{base_url}/_partnerd/tokens", {"partner": DEMO_PARTNER})
        token = issued["token"]
        _, page = call("GET", f"{base_url}/v1/customers?size=100", token=token)
        check(page["totalCount"] == 20, f"the 20 demo customers, got {page['totalCount']}")
        with open(os.path.join(os.path.dirname(__file__), "../../../examples/customer.json")) as f:
            body = json.load(f)
        body["companyProfile"]["domain"] = "tc" + uuid.uuid4().hex[:20] + ".onmicrosoft.com"
        status, created = call("POST", f"{base_url}/v1/customers", body, token=token)
        check(status == 201, f"201 for a create, got {status}")
        print(f"testcontainers: {base_url} listed {page['totalCount']}, created {created['id']}")


def check(ok, what):
    if not ok:
        print(f"testcontainers: expected {what}", file=sys.stderr)
        sys.exit(1)


main()
