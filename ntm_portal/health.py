"""/healthz for load balancers and monitors: whether the database, the evidence storage and, when configured,
Redis answer. The answer says only "ok" or "failed" per check; the reasons (host names, errors) go to the log."""

import asyncio

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient


def health_checks() -> dict[str, HealthCheck]:
    checks = {"database": Database(), "evidence_storage": Storage(alias="evidence")}
    if settings.REDIS_URL:
        checks["redis"] = Redis(client_factory=lambda: RedisClient.from_url(settings.REDIS_URL))
    return checks


class HealthView(HealthCheckView):
    async def get(self, request, *args, **kwargs):
        checks = health_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in checks.values()))
        answers = {name: "failed" if result.error else "ok" for name, result in zip(checks, results, strict=True)}
        return JsonResponse(answers, status=503 if "failed" in answers.values() else 200)


healthz = login_not_required(HealthView.as_view())
