"""Lists and creates customers through the generated Python client `partnercenterservices`,
against the partnerd at PARTNERD_BASE_URL with the token in PARTNERD_TOKEN, exactly as
docs/clients.md shows. Exits non-zero (with the reason) when anything is not as expected.
Run by crates/partnerd/tests/python_client.rs."""

import os
import sys
import uuid

from msrest.authentication import BasicTokenAuthentication
from microsoft.store.partnercenterservices import MicrosoftPartnerStoreApis, models

# The generated model types userCredentials.password as a .NET SecureString object; the
# service sends a string. Read it as one (the workaround docs/clients.md gives).
models.MicrosoftPartnerSdkContractsV1UserCredentials._attribute_map["password"]["type"] = "str"


def main():
    credentials = BasicTokenAuthentication({"access_token": os.environ["PARTNERD_TOKEN"]})
    api = MicrosoftPartnerStoreApis(credentials, base_url=os.environ["PARTNERD_BASE_URL"])

    page = api.getvversioncustomersfilterfilter.value("1", size=5)
    names = [c.company_profile.company_name for c in page.items]
    check(len(names) == 5, f"a page of 5 customers, got {names}")
    check(page.links.next is not None, "a next link on a page that has a next one")

    domain = "py" + uuid.uuid4().hex[:20] + ".onmicrosoft.com"
    address = models.MicrosoftPartnerSdkContractsV1Address(
        country="US", city="Redmond", address_line1="1 Microsoft Way", postal_code="98052"
    )
    customer = models.MicrosoftPartnerSdkContractsV1Customer(
        company_profile=models.MicrosoftPartnerSdkContractsV1CustomerCompanyProfile(domain=domain),
        billing_profile=models.MicrosoftPartnerSdkContractsV1CustomerBillingProfile(
            email="billing@example.com",
            culture="en-US",
            language="en",
            company_name="Python Client Example",
            default_address=address,
        ),
    )
    created = api.postvversioncustomers(customer, "1", ms_request_id=str(uuid.uuid4()))
    check(created is not None, "a created customer (201)")
    check(created.company_profile.domain == domain, f"the domain sent, got {created.company_profile.domain}")
    password = created.user_credentials.password
    check(isinstance(password, str) and len(password) >= 8, f"the admin password as a string, got {password!r}")

    got = api.getvversioncustomerscustomer.id(created.id, "1")
    check(got.id == created.id, "GET by id finds the created customer")
    print(f"python client: listed {names}, created {created.id}")


def check(ok, what):
    if not ok:
        print(f"python client: expected {what}", file=sys.stderr)
        sys.exit(1)


main()
