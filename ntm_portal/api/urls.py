from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from ntm_portal.api import views

app_name = "api"

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("criteria-sets", views.CriteriaSetViewSet, basename="criteria-set")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("recognitions", views.RecognitionViewSet, basename="recognition")
router.register("targets", views.TargetViewSet, basename="target")

urlpatterns = [
    *router.urls,
    path("funding/", views.FundingView.as_view(), name="funding"),
    path("report-figures/", views.ReportFiguresView.as_view(), name="report-figures"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
]
