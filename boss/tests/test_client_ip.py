"""The client's address behind the TLS proxy (boss/client_ip.py): X-Forwarded-For is believed only from a proxy
named in BOSS_TRUSTED_PROXIES, read from the right, never what the client wrote into it itself."""

import pytest
from django.test import RequestFactory

from boss.client_ip import client_ip


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("remote,forwarded,expected", [
    ("10.0.0.5", "203.0.113.7", "203.0.113.7"),                        # the proxy names the client
    ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),          # the client's own entry is left of it
    ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),              # two proxies of ours
    ("10.0.0.5", "not-an-ip, 203.0.113.7", "203.0.113.7"),
    ("10.0.0.5", "203.0.113.7, garbage", "10.0.0.5"),                  # malformed next to us: the proxy
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", None, "10.0.0.5"),
    ("192.0.2.50", "203.0.113.7", "192.0.2.50"),                       # not our proxy: the header is ignored
    ("fd00::5", "2001:db8::1", "2001:db8::1"),
])
def test_the_client_behind_a_trusted_proxy(settings, remote, forwarded, expected):
    settings.BOSS_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    assert client_ip(_request(remote, forwarded)) == expected


def test_no_trusted_proxy_means_remote_addr(settings):
    settings.BOSS_TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"
