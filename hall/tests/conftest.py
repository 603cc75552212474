import pytest


@pytest.fixture
def machine(hall):
    from hall.models import HallDevice

    return HallDevice.objects.create(hall=hall, kind=HallDevice.Kind.TICKET_MACHINE, name="取号机", token="tm-token-1")


@pytest.fixture
def screen(hall):
    from hall.models import HallDevice

    return HallDevice.objects.create(hall=hall, kind=HallDevice.Kind.DISPLAY, name="显示屏", token="display-token-1")


@pytest.fixture
def make_vip():
    def make(customer, level):
        from datetime import date

        from customers.models import CustomerClass

        return CustomerClass.objects.create(customer=customer, kind=CustomerClass.Kind.VIP, vip_level=level,
                                            reason="测试", since=date(2020, 1, 1))
    return make
