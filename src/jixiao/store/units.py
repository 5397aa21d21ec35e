"""Budget units (预算单位): found or created by name, with their region looked up in the gazetteer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.extract.gazetteer import locate
from jixiao.store import access
from jixiao.store.errors import InvalidInput
from jixiao.store.models import Unit, User


def get_or_create_unit(db: Session, name: str, province: str | None = None, city: str | None = None,
                       county: str | None = None, *, commit: bool = True) -> Unit:
    """The unit of this name, created when new; empty region fields are filled in, never overwritten.
    Region fields not given are looked up from the name in the gazetteer (长沙市天心区司法局 → 湖南省 …)."""
    name = (name or "").strip()[:200]
    if not name:
        raise InvalidInput("单位名称不能为空")
    if not (province or city or county):
        where = locate(name)
        province, city, county = where.get("province"), where.get("city"), where.get("county")
    unit = db.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(name=name, province=province, city=city, county=county)
        db.add(unit)
    else:
        unit.province = unit.province or province
        unit.city = unit.city or city
        unit.county = unit.county or county
    db.flush()
    if commit:
        db.commit()
    return unit


def locate_unit(name: str) -> dict[str, str | None]:
    """{"province", "city", "county"} of a unit name, from the gazetteer ({} when it names no place)."""
    return locate((name or "").strip())


def list_units(db: Session, actor: User) -> list[Unit]:
    """The units ``actor`` works with (all, its region's, or its own)."""
    return list(db.scalars(select(Unit).where(access.unit_clause(actor)).order_by(Unit.name)))
