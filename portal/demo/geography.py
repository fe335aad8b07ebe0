"""Places the demo tables are broken down by: departments, provinces, districts and zones.

Department populations approximate the results of the 2024 Population and Housing Census; they
only weight the demo figures so that La Paz and Santa Cruz outnumber Pando, as they do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Department:
    iso: str  # ISO 3166-2
    name: str
    population: int


DEPARTMENTS: tuple[Department, ...] = (
    Department("BO-H", "Chuquisaca", 600_000),
    Department("BO-L", "La Paz", 3_023_000),
    Department("BO-C", "Cochabamba", 2_005_000),
    Department("BO-O", "Oruro", 570_000),
    Department("BO-P", "Potosí", 856_000),
    Department("BO-T", "Tarija", 535_000),
    Department("BO-S", "Santa Cruz", 3_115_000),
    Department("BO-B", "Beni", 477_000),
    Department("BO-N", "Pando", 131_000),
)

DEPARTMENT_BY_ISO = {dept.iso: dept for dept in DEPARTMENTS}
NATIONAL_POPULATION = sum(dept.population for dept in DEPARTMENTS)

# Provinces of the departments whose governments publish in the demo.
PROVINCES: dict[str, tuple[str, ...]] = {
    "BO-L": (
        "Murillo", "Omasuyos", "Pacajes", "Camacho", "Muñecas", "Larecaja", "Franz Tamayo",
        "Ingavi", "Loayza", "Inquisivi", "Sud Yungas", "Los Andes", "Aroma", "Nor Yungas",
        "Abel Iturralde", "Bautista Saavedra", "Manco Kapac", "Gualberto Villarroel",
        "José Manuel Pando", "Caranavi",
    ),
    "BO-C": (
        "Cercado", "Campero", "Ayopaya", "Esteban Arce", "Arani", "Arque", "Capinota",
        "Germán Jordán", "Quillacollo", "Chapare", "Tapacarí", "Carrasco", "Mizque", "Punata",
        "Bolívar", "Tiraque",
    ),
    "BO-S": (
        "Andrés Ibáñez", "Warnes", "Velasco", "Ichilo", "Chiquitos", "Sara", "Cordillera",
        "Vallegrande", "Florida", "Obispo Santistevan", "Ñuflo de Chávez", "Ángel Sandoval",
        "Manuel María Caballero", "Germán Busch", "Guarayos",
    ),
    "BO-H": (
        "Oropeza", "Juana Azurduy de Padilla", "Jaime Zudáñez", "Tomina", "Hernando Siles",
        "Yamparáez", "Nor Cinti", "Sud Cinti", "Belisario Boeto", "Luis Calvo",
    ),
}

# The province holding the departmental capital weighs much more than the rest.
CAPITAL_PROVINCE = {
    "BO-L": "Murillo", "BO-C": "Cercado", "BO-S": "Andrés Ibáñez", "BO-H": "Oropeza",
}

# Districts of the municipal governments in the demo.
DISTRICTS: dict[str, tuple[str, ...]] = {
    "gam-la-paz": (
        "Cotahuma", "Max Paredes", "Periférica", "San Antonio", "Sur", "Mallasa", "Centro",
        "Hampaturi", "Zongo",
    ),
    "gam-el-alto": tuple(f"Distrito {n}" for n in range(1, 15)),
    "gam-cochabamba": tuple(f"Distrito {n}" for n in range(1, 16)),
    "gam-santa-cruz-de-la-sierra": tuple(f"Distrito {n}" for n in range(1, 16)),
    "gam-sucre": tuple(f"Distrito {n}" for n in range(1, 9)),
    "gam-combaya": tuple(f"Distrito {n}" for n in range(1, 4)),
    # The six zones of the Guaraní autonomy of Charagua Iyambae.
    "charagua-iyambae": (
        "Charagua Pueblo", "Estación Charagua", "Parapitiguasu", "Charagua Norte", "Alto Isoso",
        "Bajo Isoso",
    ),
}

# Rural districts and small zones weigh less than urban ones.
LIGHT_AREAS = frozenset({"Mallasa", "Hampaturi", "Zongo"})
