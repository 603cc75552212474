import pytest


def make_device(hall, kind, name, secret):
    """A device with a known secret, kept on the object as `.token` for the tests (the table has its hash only)."""
    from hall.services.devices import hall_device_install

    device, device.token = hall_device_install(hall_id=hall.pk, kind=kind, name=name, secret=secret)
    return device


@pytest.fixture
def machine(hall):
    return make_device(hall, "ticket_machine", "取号机", "tm-token-1")


@pytest.fixture
def screen(hall):
    return make_device(hall, "display", "显示屏", "display-token-1")


@pytest.fixture
def make_vip():
    def make(customer, level):
        from datetime import date

        from customers.models import CustomerClass

        return CustomerClass.objects.create(customer=customer, kind=CustomerClass.Kind.VIP, vip_level=level,
                                            reason="测试", since=date(2020, 1, 1))
    return make
