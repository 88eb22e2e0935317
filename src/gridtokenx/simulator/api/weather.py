"""``/v1/weather``: cloud cover from the run's position on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gridtokenx.simulator.api.context import ApiContext, context
from gridtokenx.simulator.api.errors import ERROR_RESPONSES
from gridtokenx.simulator.api.models import WeatherBody
from gridtokenx.simulator.scenario import Scenario

router = APIRouter(prefix="/v1/weather", tags=["weather"], responses=ERROR_RESPONSES)
Context = Annotated[ApiContext, Depends(context)]


def _weather(scenario: Scenario) -> WeatherBody:
    if scenario.weather:
        latest = scenario.weather[-1]
        return WeatherBody(
            cloud_cover_mean=latest.cloud_cover_mean,
            cloud_variability=latest.cloud_variability,
        )
    site = scenario.fleet.site
    return WeatherBody(
        cloud_cover_mean=site.cloud_cover_mean, cloud_variability=site.cloud_variability
    )


@router.get("")
def get_weather(api: Context) -> WeatherBody:
    return _weather(api.runner.status().run.scenario)


@router.put("")
def put_weather(request: WeatherBody, api: Context) -> WeatherBody:
    run = api.runner.set_weather(request.cloud_cover_mean, request.cloud_variability)
    return _weather(run.scenario)
