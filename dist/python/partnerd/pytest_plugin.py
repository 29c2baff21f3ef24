"""The pytest plugin (entry point ``pytest11``), active wherever this wheel is installed.

Fixtures:

``partnerd``
    A :class:`partnerd.Partnerd` for the test: ``base_url``, a fresh ``partner`` GUID with its
    ``token``, and the control plane (``reset``, ``seed``, ``add_fault``, ``requests``,
    ``set_clock``...). By default the session shares one server and each test gets a partner
    nobody has used, so it sees no other test's customers; afterwards its partner is reset
    and the fault rules and clock are put back. A test marked ``@pytest.mark.partnerd_fresh``
    (or every test, with ``--partnerd-fresh``) gets a server process of its own instead.
``partnerd_server``
    The session's :class:`partnerd.Server`.

Options: ``--partnerd-fresh``; ini ``partnerd_args``: more ``partnerd serve`` arguments (say
``--sandbox-customer-limit 75``); ``$PARTNERD_BINARY`` picks another binary.
"""

import pytest

import partnerd as _partnerd


def pytest_addoption(parser):
    group = parser.getgroup("partnerd")
    group.addoption("--partnerd-fresh", action="store_true", help="a partnerd process of its own for every test")
    parser.addini("partnerd_args", type="args", default=[], help="more `partnerd serve` arguments")


def pytest_configure(config):
    config.addinivalue_line("markers", "partnerd_fresh: this test gets a partnerd process of its own")


@pytest.fixture(scope="session")
def partnerd_server(pytestconfig):
    with _partnerd.Server(pytestconfig.getini("partnerd_args")) as server:
        yield server


@pytest.fixture
def partnerd(request, pytestconfig):
    fresh = pytestconfig.getoption("partnerd_fresh") or request.node.get_closest_marker("partnerd_fresh")
    if fresh:
        with _partnerd.Server(pytestconfig.getini("partnerd_args")) as server:
            yield server.for_new_partner()
        return
    test = request.getfixturevalue("partnerd_server").for_new_partner()
    yield test
    # What this test changed that the next one would otherwise meet.
    test.reset()
    test.clear_faults()
    test.set_clock(0)
