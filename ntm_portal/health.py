"""/healthz for load balancers and monitors: whether the database, the evidence storage and, when configured,
Redis answer. The answer says only "ok" or "failed" per check; the reasons (host names, errors) go to the log."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Database, Storage
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as RedisClient


def health_checks() -> dict[str, HealthCheck]:
    checks = {"database": Database(), "evidence_storage": Storage(alias="evidence")}
    redis_url = settings.REDIS_URL or (settings.JOB_BROKER_URL if settings.JOB_BROKER_URL.startswith("redis") else "")
    if redis_url:
        checks["redis"] = Redis(client_factory=lambda: RedisClient.from_url(redis_url))
    return checks


def check_results(checks: list[HealthCheck]) -> list[HealthCheckResult]:
    """The checks run together (django-health-check's async API, each within its timeout) in an event loop of
    their own on a helper thread, so the view is a plain WSGI view that works in any thread, also one that runs
    an event loop already (the browser tests' thread does)."""

    async def gathered():
        return await asyncio.gather(*(check.get_result() for check in checks))

    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, gathered()).result()


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health_checks()
    results = check_results(list(checks.values()))
    answers = {name: "failed" if result.error else "ok" for name, result in zip(checks, results, strict=True)}
    return JsonResponse(answers, status=503 if "failed" in answers.values() else 200)
