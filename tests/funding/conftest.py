import pytest
from django.core.management import call_command

from communes.models import AdministrativeUnit


@pytest.fixture
def demo(db):
    """The demo's province of Cao Bằng and its city, whose funding lines come from the seeds."""
    call_command("load_demo", verbosity=0)
    province = AdministrativeUnit.objects.get(name="Tỉnh Cao Bằng")
    city = AdministrativeUnit.objects.get(name="Thành phố Cao Bằng", parent=province)
    return province, city
