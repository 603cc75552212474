from celery import current_app

import inventory.tasks  # noqa: F401  (registers the tasks)


def test_a_job_queued_under_its_name_from_before_the_split_is_still_run():
    tasks = current_app.tasks
    for old, new in (("orders.tasks.number_reservations_expire", "inventory.tasks.number_reservations_expire"),
                     ("orders.tasks.numbers_thaw", "inventory.tasks.numbers_thaw"),
                     ("orders.tasks.numbers_regrade", "inventory.tasks.numbers_regrade")):
        assert old in tasks and new in tasks
        assert tasks[old].run is tasks[new].run
