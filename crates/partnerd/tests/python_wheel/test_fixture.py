"""The pytest plugin of the `partnerd` wheel, as a user's suite meets it: no conftest.py, the
fixture comes from the installed wheel's `pytest11` entry point, and the generated PyPI
client `partnercenterservices` talks to the server it started. Run by
crates/partnerd/tests/python_wheel.rs in a fresh virtual environment."""

import os
import uuid

import pytest
from msrest.authentication import BasicTokenAuthentication
from msrestazure.azure_exceptions import CloudError
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis, models

# The generated model types userCredentials.password as a .NET SecureString object; the
# service sends a string (the workaround docs/clients.md gives).
models.MicrosoftPartnerSdkContractsV1UserCredentials._attribute_map["password"]["type"] = "str"

# The server pid of the first fixture seen, to tell a shared server from a fresh one.
SEEN = {}


def client(partnerd):
    credentials = BasicTokenAuthentication({"access_token": partnerd.token})
    return MicrosoftPartnerStoreApis(credentials, base_url=partnerd.base_url)


def new_customer(name):
    address = models.MicrosoftPartnerSdkContractsV1Address(
        country="US", city="Redmond", address_line1="1 Microsoft Way", postal_code="98052"
    )
    return models.MicrosoftPartnerSdkContractsV1Customer(
        company_profile=models.MicrosoftPartnerSdkContractsV1CustomerCompanyProfile(
            domain="py" + uuid.uuid4().hex[:20] + ".onmicrosoft.com"
        ),
        billing_profile=models.MicrosoftPartnerSdkContractsV1CustomerBillingProfile(
            email="billing@example.com", culture="en-US", language="en", company_name=name, default_address=address
        ),
    )


def test_the_binary_is_the_one_pip_installed(partnerd):
    import partnerd as package

    assert package.binary() == os.path.join(os.environ["VIRTUAL_ENV"], "bin", "partnerd")
    SEEN["shared"] = partnerd.server.process.pid


def test_a_fresh_partner_starts_empty_and_can_be_seeded(partnerd):
    api = client(partnerd)
    assert api.getvversioncustomersfilterfilter.value("1", size=5).total_count == 0
    partnerd.seed(12)
    page = api.getvversioncustomersfilterfilter.value("1", size=5)
    assert len(page.items) == 5 and page.links.next is not None


def test_create_then_read_and_the_journal_saw_it(partnerd):
    api = client(partnerd)
    created = api.postvversioncustomers(new_customer("Fixture Example"), "1", ms_request_id=str(uuid.uuid4()))
    assert isinstance(created.user_credentials.password, str)
    assert api.getvversioncustomerscustomer.id(created.id, "1").id == created.id
    posts = partnerd.requests(method="POST", route="/v1/customers")
    assert [p["status"] for p in posts] == [201]
    assert "Fixture Example" in posts[0]["requestBody"]


def test_the_client_retries_a_503_and_the_journal_shows_both(partnerd):
    api = client(partnerd)
    partnerd.add_fault(method="GET", route="/v1/customers", status=503, count=1, partner=partnerd.partner)
    assert api.getvversioncustomersfilterfilter.value("1", size=5).total_count == 0
    assert [r["status"] for r in partnerd.requests(route="/v1/customers")] == [200, 503]
    assert partnerd.faults() == [], "the rule ran out after one"


def test_a_persistent_fault_reaches_the_client(partnerd):
    # The generated client returns None for the statuses its spec lists (400, 401, 403, 404,
    # 500) and raises CloudError for the others.
    partnerd.add_fault(method="GET", route="/v1/customers", status=409, partner=partnerd.partner)
    with pytest.raises(CloudError) as failed:
        client(partnerd).getvversioncustomersfilterfilter.value("1", size=5)
    assert failed.value.status_code == 409


def test_the_clock_moves_and_the_token_still_works(partnerd):
    before = partnerd.clock()
    moved = partnerd.advance_clock(48 * 3600)
    assert moved["offsetSeconds"] == before["offsetSeconds"] + 48 * 3600
    assert client(partnerd).getvversioncustomersfilterfilter.value("1", size=1).total_count == 0


def test_the_previous_test_left_nothing_behind(partnerd):
    assert partnerd.clock()["offsetSeconds"] == 0
    assert partnerd.faults() == []
    partnerd.seed(3)
    partnerd.reset()
    assert client(partnerd).getvversioncustomersfilterfilter.value("1", size=5).total_count == 0


@pytest.mark.partnerd_fresh
def test_a_marked_test_gets_a_server_of_its_own(partnerd):
    assert partnerd.server.process.pid != SEEN["shared"]
    assert partnerd.requests() == []
    created = client(partnerd).postvversioncustomers(new_customer("Own Server"), "1", ms_request_id=str(uuid.uuid4()))
    assert created.id
