import pytest
from django.urls import reverse

from customers.tests.factories import LineFactory

pytestmark = pytest.mark.django_db


def test_the_line_screen_links_to_its_itemised_bill_and_the_rep_can_open_it(client, rep):
    line = LineFactory(msisdn="13800138000", hall=rep.hall)
    client.force_login(rep)
    html = client.get(reverse("orders:line_detail", args=[line.msisdn])).content.decode()
    assert 'data-testid="itemised-bill"' in html
    url = html.split('data-testid="itemised-bill"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert url.startswith(f"/billing/lines/{line.pk}/itemised/")
    assert client.get(url).status_code == 200
