"""Demo of the web self-service portal: prints a few demo customers' numbers with their service password
(the demo lines are opened with 428571) beside the staff logins, and the portal's addresses."""

DEMO_SERVICE_PASSWORD = "428571"


def load(stdout=None) -> int:
    from customers.models import Line
    from portal.services.channel import web_actor

    web_actor()
    lines = list(Line.objects.filter(status=Line.Status.ACTIVE).exclude(service_password="")
                 .order_by("pk").values_list("msisdn", flat=True)[:3])
    if stdout is not None and lines:
        stdout.write("")
        stdout.write("Web self-service portal (网上营业厅): /portal/   self-service terminal (kiosk mode): /portal/kiosk/")
        stdout.write(f"  demo customers' numbers: {', '.join(lines)}   service password: {DEMO_SERVICE_PASSWORD}")
        stdout.write("  the SMS code shows on the code screen (simulated SMS gateway, development only)")
    return 0
