"""Demo tables that are lists rather than measures: the PIGE targets (real, from the decree), the
members of the COPLUTIC (real), the State's procedures, interoperability services, courses,
public budgets, procurement notices and an OCDS release package."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from portal.demo.family import Context, TableFactory, period_years
from portal.demo.geography import DEPARTMENTS
from portal.demo.tables import Column, Measure, Table, build, categories, share
from portal.standards import load_standard

TEXT = "string"


def _key(name: str, title: str, type: str = TEXT) -> Column:
    return Column(name, title, type, required=True)


# -- from the decree ----------------------------------------------------------------------------


def pige_targets(_rng: random.Random, _ctx: Context) -> Table:
    """Cuadro N° 3 of the annex of DS 5468: every target with its responsible and coordinating
    entities, as the PIGE standard in ``standards/pige/`` holds it."""
    lines = {line["number"]: line for line in load_standard("pige/lines.json")["lines"]}
    axes = {axis["number"]: axis["name"] for axis in load_standard("pige/lines.json")["axes"]}
    columns = [
        _key("codigo", "Código de la meta"),
        Column("eje", "Eje estratégico"),
        Column("linea", "Línea estratégica", "integer", minimum=1, maximum=14),
        Column("linea_nombre", "Nombre de la línea estratégica"),
        Column("resultado", "Resultado"),
        Column("meta", "Meta"),
        Column("responsable", "Entidad responsable"),
        Column("coordinador", "Entidad coordinadora"),
    ]
    rows = []
    for target in load_standard("pige/targets.json")["targets"]:
        line = lines[target["line"]]
        rows.append([
            target["id"], axes[line["axis"]], target["line"], line["name"], target["result"],
            target["target"],
            "; ".join(item["as_written"] for item in target["responsible"]),
            "; ".join(item["as_written"] for item in target["coordinators"]),
        ])
    return Table(columns, rows, ["codigo"])


COPLUTIC_MEMBERS = (
    ("Ministerio de Obras Públicas, Servicios y Vivienda", "MOPSV", "Preside"),
    ("Ministerio de Planificación del Desarrollo", "MPD", "Miembro"),
    ("Viceministerio de Comunicación", "", "Miembro"),
    ("Ministerio de Educación", "", "Miembro"),
    ("Agencia para el Desarrollo de la Sociedad de la Información en Bolivia", "ADSIB", "Miembro"),
)


def coplutic_members(_rng: random.Random, _ctx: Context) -> Table:
    """Members of the COPLUTIC as Cuadro N° 1 of the annex of DS 5468 lists them."""
    columns = [_key("orden", "Orden", "integer"), Column("entidad", "Entidad"),
               Column("sigla", "Sigla"), Column("funcion", "Función en el comité")]
    rows = [[i, *member] for i, member in enumerate(COPLUTIC_MEMBERS, start=1)]
    return Table(columns, rows, ["orden"])


# -- procedures and services ---------------------------------------------------------------------

PROCEDURES = (
    ("Registro en Ciudadanía Digital", "AGETIC", "Identidad"),
    ("Reclamo sobre la atención en servicios públicos", "AGETIC", "Atención a la ciudadanía"),
    ("Certificado de nacimiento", "SERECI", "Registro civil"),
    ("Certificado de matrimonio", "SERECI", "Registro civil"),
    ("Certificado de defunción", "SERECI", "Registro civil"),
    ("Cédula de identidad", "SEGIP", "Identidad"),
    ("Licencia de conducir", "SEGIP", "Transporte"),
    ("Certificado de antecedentes penales", "REJAP", "Justicia"),
    ("Pasaporte", "DIGEMIG", "Migración"),
    ("Inscripción en el Registro de Comercio", "SEPREC", "Empresas"),
    ("Renovación de matrícula de comercio", "SEPREC", "Empresas"),
    ("Inscripción al Padrón Nacional de Contribuyentes (NIT)", "SIN", "Impuestos"),
    ("Certificado de solvencia con el fisco", "CGE", "Transparencia"),
    ("Declaración jurada de bienes y rentas", "CGE", "Transparencia"),
    ("Registro de nombre de dominio .bo", "ADSIB", "Tecnología"),
    ("Certificado digital para firma digital", "ADSIB", "Tecnología"),
    ("Apostilla de documentos públicos", "MRE", "Relaciones exteriores"),
    ("Inscripción en el Registro Único de Estudiantes (RUDE)", "MINEDU", "Educación"),
    ("Legalización de título de bachiller", "MINEDU", "Educación"),
    ("Inscripción en el Registro Único de Proveedores del Estado (RUPE)", "MEFP", "Contrataciones"),
    ("Registro sanitario de medicamentos", "AGEMED", "Salud"),
    ("Registro Obligatorio de Empleadores (ROE)", "MTEPS", "Trabajo"),
    ("Inscripción de vehículos al registro de propiedad", "RUAT", "Transporte"),
    ("Licencia de funcionamiento de actividades económicas", "GAM", "Municipal"),
    ("Pago de impuestos municipales a la propiedad de inmuebles", "GAM", "Municipal"),
    ("Certificado de capacitación de la EGPP", "EGPP", "Educación"),
)


def procedures(rng: random.Random, _ctx: Context) -> Table:
    columns = [
        _key("codigo", "Código del trámite"),
        Column("tramite", "Trámite"),
        Column("entidad", "Entidad (sigla)"),
        Column("categoria", "Categoría"),
        Column("en_linea", "Disponible en línea", "boolean"),
        Column("ciudadania_digital", "Integra Ciudadanía Digital", "boolean"),
        Column("costo_bs", "Costo", "number", unit="Bs", minimum=0),
        Column("plazo_dias", "Plazo de atención", "integer", unit="días hábiles", minimum=0),
    ]
    rows = []
    for i, (name, entity, category) in enumerate(PROCEDURES, start=1):
        online = rng.random() < 0.8
        rows.append([
            f"TR-{i:04d}", name, entity, category, online, online and rng.random() < 0.6,
            rng.choice([0, 0, 10, 17, 20, 50, 100, 150, 200]), rng.choice([0, 1, 2, 3, 5, 10, 15]),
        ])
    return Table(columns, rows, ["codigo"])


INTEROPERABILITY_SERVICES = (
    ("Consulta de datos de identidad", "SEGIP"),
    ("Verificación de certificado de nacimiento", "SERECI"),
    ("Consulta de antecedentes penales", "REJAP"),
    ("Consulta de NIT y estado del contribuyente", "SIN"),
    ("Consulta de matrícula de comercio", "SEPREC"),
    ("Consulta de títulos de bachiller", "MINEDU"),
    ("Validación de cuentas de Ciudadanía Digital", "AGETIC"),
    ("Notificaciones electrónicas", "AGETIC"),
    ("Aprobación de documentos con Ciudadanía Digital", "AGETIC"),
    ("Validación de certificados de firma digital", "ADSIB"),
    ("Consulta de solvencia fiscal", "CGE"),
    ("Consulta de proveedores registrados en el RUPE", "MEFP"),
    ("Consulta de vehículos registrados", "RUAT"),
    ("Consulta de tipo de cambio oficial", "BCB"),
    ("Consulta de licencias de conducir", "SEGIP"),
    ("Consulta de registro sanitario", "AGEMED"),
    ("Consulta de empleadores registrados (ROE)", "MTEPS"),
    ("Verificación de diplomas de bachiller", "MINEDU"),
    ("Consulta de nombres de dominio .bo", "ADSIB"),
    ("Consulta de declaraciones juradas presentadas", "CGE"),
)


def interoperability_services(rng: random.Random, _ctx: Context) -> Table:
    columns = [
        _key("codigo", "Código del servicio"),
        Column("servicio", "Servicio"),
        Column("entidad_proveedora", "Entidad proveedora (sigla)"),
        Column("protocolo", "Protocolo", enum=("REST", "SOAP")),
        Column("entidades_consumidoras", "Entidades consumidoras", "integer", minimum=0),
        Column("fecha_alta", "Fecha de alta", "date"),
    ]
    rows = []
    for i, (name, provider) in enumerate(INTEROPERABILITY_SERVICES, start=1):
        start = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
        rows.append([f"PIE-{i:03d}", name, provider, "REST" if rng.random() < 0.85 else "SOAP",
                     rng.randrange(2, 90), start.isoformat()])
    return Table(columns, rows, ["codigo"])


COURSES = (
    "Gestión pública intercultural", "Ley 1178 y sistemas de administración y control",
    "Gobierno electrónico y ciudadanía digital", "Datos abiertos para servidores públicos",
    "Contrataciones estatales", "Ética pública y lucha contra la corrupción",
    "Atención de calidad a la ciudadanía", "Seguridad de la información",
    "Planificación integral del Estado (SPIE)", "Presupuesto público por resultados",
    "Redacción de documentos administrativos", "Idioma aymara para servidores públicos",
    "Idioma quechua para servidores públicos", "Idioma guaraní para servidores públicos",
    "Transparencia y acceso a la información pública", "Despatriarcalización en la gestión pública",
    "Gestión por resultados", "Control social y rendición de cuentas",
    "Administración de personal en el sector público", "Software libre en el Estado",
)


def courses(rng: random.Random, ctx: Context) -> Table:
    columns = [
        _key("gestion", "Gestión", "integer"),
        _key("curso", "Curso"),
        Column("modalidad", "Modalidad", enum=("Virtual", "Presencial", "Semipresencial")),
        Column("carga_horaria", "Carga horaria", "integer", unit="horas", minimum=0),
        Column("inscritos", "Participantes inscritos", "integer", minimum=0),
        Column("aprobados", "Participantes aprobados", "integer", minimum=0),
    ]
    rows = []
    for course in COURSES:
        enrolled = rng.randrange(80, 2400)
        rows.append([ctx.period.last, course,
                     rng.choice(["Virtual", "Virtual", "Presencial", "Semipresencial"]),
                     rng.choice([20, 40, 60, 80, 120]), enrolled,
                     int(enrolled * rng.uniform(0.55, 0.92))])
    return Table(columns, rows, ["gestion", "curso"])


# -- budgets and procurement ---------------------------------------------------------------------

CENTRAL_PROGRAMS = (
    "Administración y gestión institucional", "Asuntos jurídicos", "Auditoría interna",
    "Planificación y seguimiento", "Tecnologías de información y comunicación",
)
SUBSTANTIVE_PROGRAMS = {
    "gobierno-departamental": ("Salud", "Caminos departamentales", "Desarrollo productivo",
                               "Gestión social", "Seguridad ciudadana"),
    "gobierno-municipal": ("Infraestructura urbana", "Educación", "Salud", "Aseo urbano",
                           "Seguridad ciudadana", "Deportes"),
    "gobierno-ioc": ("Educación", "Salud", "Producción", "Agua y saneamiento"),
    "universidad": ("Formación de grado", "Posgrado", "Investigación", "Interacción social"),
}
SUBSTANTIVE_CENTRAL = {
    "agetic": "Gobierno electrónico", "adsib": "Sociedad de la información",
    "ine": "Producción estadística", "egpp": "Formación de servidores públicos",
    "aduana": "Control aduanero", "aben": "Tecnología nuclear con fines pacíficos",
    "contraloria": "Control gubernamental", "procuraduria": "Defensa legal del Estado",
    "defensoria": "Promoción y defensa de los derechos humanos",
}
CENTRAL_SOURCES = (
    ("Tesoro General de la Nación", 0.7), ("Recursos específicos", 0.2),
    ("Crédito externo", 0.07), ("Donación externa", 0.03),
)
TERRITORIAL_SOURCES = (
    ("Coparticipación tributaria", 0.4), ("Impuesto Directo a los Hidrocarburos", 0.25),
    ("Regalías", 0.1), ("Recursos propios", 0.2), ("Crédito externo", 0.05),
)
BUDGET_SCALE = {  # initial budget of an entity of each kind, in Bs
    "ministerio": 450e6, "agencia": 90e6, "otra": 60e6, "gobierno-departamental": 1.2e9,
    "gobierno-municipal": 900e6, "gobierno-ioc": 40e6, "universidad": 800e6,
}
SMALL_MUNICIPALITIES = {"gam-combaya": 0.015, "gam-sucre": 0.35}


def budget(rng: random.Random, ctx: Context) -> Table:
    entity = ctx.entity
    kind = entity["kind"]
    substantive = SUBSTANTIVE_PROGRAMS.get(kind) or (
        SUBSTANTIVE_CENTRAL.get(entity["name"], "Políticas y gestión sectorial"),
        CENTRAL_PROGRAMS[4],
    )
    programs = substantive + CENTRAL_PROGRAMS[:4]
    sources = CENTRAL_SOURCES if entity["level"] == "central" else TERRITORIAL_SOURCES
    scale = BUDGET_SCALE[kind] * SMALL_MUNICIPALITIES.get(entity["name"], 1.0)
    scale *= rng.uniform(0.6, 1.6)
    columns = [
        _key("gestion", "Gestión", "integer"),
        _key("programa", "Programa"),
        _key("fuente_financiamiento", "Fuente de financiamiento"),
        Column("presupuesto_inicial_bs", "Presupuesto inicial", "number", unit="Bs", minimum=0),
        Column("presupuesto_vigente_bs", "Presupuesto vigente", "number", unit="Bs", minimum=0),
        Column("devengado_bs", "Ejecución devengada", "number", unit="Bs", minimum=0),
        Column("ejecucion_pct", "Porcentaje de ejecución", "number", unit="%", minimum=0,
               maximum=100),
    ]
    weights = [rng.uniform(0.4, 1.6) for _ in programs]
    weights[0] *= 2.5  # the first, substantive programme carries the largest share
    total = sum(weights)
    year = ctx.period.last
    rows = []
    for program, weight in zip(programs, weights, strict=True):
        for source, source_share in sources:
            initial = round(scale * weight / total * source_share * rng.uniform(0.8, 1.2), 2)
            current = round(initial * rng.uniform(0.9, 1.2), 2)
            row = {"current": current}
            spent = round(share("current", 0.55, 0.98, f"{program}{source}{year}")(row), 2)
            rows.append([year, program, source, initial, current, spent,
                         round(100 * spent / current, 1) if current else 0.0])
    return Table(columns, rows, ["gestion", "programa", "fuente_financiamiento"])


PROCUREMENT_OBJECTS = (
    "Adquisición de equipos de computación", "Servicio de limpieza de oficinas",
    "Adquisición de material de escritorio", "Servicio de mantenimiento de vehículos",
    "Consultoría individual de línea", "Adquisición de licencias y suscripciones",
    "Servicio de seguridad y vigilancia", "Construcción de unidad educativa",
    "Mejoramiento de camino vecinal", "Adquisición de medicamentos e insumos médicos",
    "Servicio de conectividad a Internet", "Adquisición de mobiliario",
    "Servicio de alimentación complementaria escolar", "Mantenimiento de infraestructura",
    "Adquisición de combustible", "Servicio de impresión de formularios",
)
MODALITIES = (
    ("Contratación Menor", 0.45, 2e4, 5e4), ("ANPE", 0.35, 5e4, 1e6),
    ("Licitación Pública", 0.12, 1e6, 4e7), ("Contratación Directa", 0.08, 1e4, 2e6),
)
BUYERS = ("MEFP", "MINEDU", "MOPSV", "MDRyT", "MJTI", "AGETIC", "ADSIB", "INE", "EGPP",
          "Aduana Nacional", "GAD La Paz", "GAD Cochabamba", "GAD Santa Cruz",
          "GAD Chuquisaca", "GAM La Paz", "GAM El Alto", "GAM Cochabamba", "GAM Sucre")


def procurement_notices(rng: random.Random, ctx: Context) -> Table:
    year = ctx.period.last
    columns = [
        _key("cuce", "Código Único de Contratación Estatal (CUCE)"),
        Column("entidad", "Entidad convocante"),
        Column("objeto", "Objeto de la contratación"),
        Column("modalidad", "Modalidad", enum=tuple(m[0] for m in MODALITIES)),
        Column("departamento", "Departamento", enum=tuple(d.name for d in DEPARTMENTS)),
        Column("fecha_publicacion", "Fecha de publicación", "date"),
        Column("monto_referencial_bs", "Precio referencial", "number", unit="Bs", minimum=0),
        Column("estado", "Estado", enum=("Vigente", "Adjudicado", "Desierto", "Cancelado")),
    ]
    rows = []
    for i in range(1, rng.randrange(90, 160)):
        modality, _, low, high = rng.choices(MODALITIES, weights=[m[1] for m in MODALITIES])[0]
        published = date(year, 1, 2) + timedelta(days=rng.randrange(0, 360))
        dept = rng.choices(DEPARTMENTS, weights=[d.population for d in DEPARTMENTS])[0]
        rows.append([
            f"{year % 100:02d}-{rng.randrange(100, 999):04d}-00-{rng.randrange(100000, 999999)}"
            f"-{i}-1",
            rng.choice(BUYERS), rng.choice(PROCUREMENT_OBJECTS), modality, dept.name,
            published.isoformat(), round(rng.uniform(low, high), 2),
            rng.choices(("Vigente", "Adjudicado", "Desierto", "Cancelado"), (1, 6, 1.5, 0.5))[0],
        ])
    rows.sort(key=lambda row: row[5])
    return Table(columns, rows, ["cuce"])


def ocds_release_package(rng: random.Random, ctx: Context) -> dict[str, Any]:
    """An OCDS 1.1 release package of one buyer's awarded contracts for one year."""
    entity = ctx.entity
    year = ctx.period.last
    buyer = {"id": f"BO-{entity['acronym']}", "name": entity["title"]}
    releases = []
    for n in range(1, rng.randrange(12, 25)):
        modality, _, low, high = rng.choices(MODALITIES[:3], weights=[m[1] for m in MODALITIES[:3]]
                                             )[0]
        published = date(year, 1, 10) + timedelta(days=rng.randrange(0, 300))
        awarded = published + timedelta(days=rng.randrange(10, 45))
        amount = round(rng.uniform(low, high), 2)
        supplier = {"id": f"BO-DEMO-{rng.randrange(1000, 9999)}",
                    "name": f"Proveedor de demostración N° {rng.randrange(1, 60)}"}
        ocid = f"ocds-213czf-{entity['acronym'].lower()}-{year}-{n:03d}"
        releases.append({
            "ocid": ocid,
            "id": f"{ocid}-award",
            "date": f"{awarded.isoformat()}T12:00:00-04:00",
            "tag": ["award"],
            "initiationType": "tender",
            "language": "es",
            "parties": [
                {**buyer, "roles": ["buyer", "procuringEntity"]},
                {**supplier, "roles": ["supplier", "tenderer"]},
            ],
            "buyer": buyer,
            "tender": {
                "id": f"{year % 100:02d}-{entity['acronym']}-{n:03d}",
                "title": rng.choice(PROCUREMENT_OBJECTS),
                "status": "complete",
                "procurementMethod": "direct" if modality == "Contratación Menor" else "open",
                "procurementMethodDetails": modality,
                "value": {"amount": amount, "currency": "BOB"},
                "procuringEntity": buyer,
                "tenderPeriod": {
                    "startDate": f"{published.isoformat()}T09:00:00-04:00",
                    "endDate": f"{(published + timedelta(days=8)).isoformat()}T17:00:00-04:00",
                },
            },
            "awards": [{
                "id": f"{ocid}-award-1",
                "status": "active",
                "date": f"{awarded.isoformat()}T12:00:00-04:00",
                "value": {"amount": round(amount * rng.uniform(0.85, 1.0), 2), "currency": "BOB"},
                "suppliers": [supplier],
            }],
        })
    return {
        "uri": f"https://datos.gob.bo/dataset/contrataciones-{entity['name']}-{year}-estandar-ocp",
        "version": "1.1",
        "publishedDate": f"{year + 1}-06-30T00:00:00-04:00",
        "publisher": {"name": entity["title"]},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "releases": releases,
    }


# -- universities --------------------------------------------------------------------------------

FACULTIES = {
    "umsa": (
        ("Agronomía", 0.5), ("Arquitectura, Artes, Diseño y Urbanismo", 0.8),
        ("Ciencias Económicas y Financieras", 1.6), ("Ciencias Farmacéuticas y Bioquímicas", 0.5),
        ("Ciencias Geológicas", 0.3), ("Ciencias Puras y Naturales", 0.8),
        ("Ciencias Sociales", 1.0), ("Derecho y Ciencias Políticas", 1.4),
        ("Humanidades y Ciencias de la Educación", 1.2), ("Ingeniería", 1.5),
        ("Medicina, Enfermería, Nutrición y Tecnología Médica", 1.4), ("Odontología", 0.4),
        ("Tecnología", 0.9),
    ),
    "umss": (
        ("Agronomía", 0.6), ("Arquitectura y Ciencias del Hábitat", 0.6),
        ("Bioquímica y Farmacia", 0.5), ("Ciencias Económicas", 1.8),
        ("Ciencias Jurídicas y Políticas", 1.2), ("Ciencias Sociales", 0.6),
        ("Ciencias y Tecnología", 2.0), ("Desarrollo Rural y Territorial", 0.3),
        ("Enfermería", 0.4), ("Humanidades y Ciencias de la Educación", 1.1), ("Medicina", 1.1),
        ("Odontología", 0.4), ("Veterinaria y Zootecnia", 0.3),
    ),
}


def per_faculty(*measures: Measure, second: tuple[str, str, tuple] | None = None
                ) -> TableFactory:
    """A table factory: years × the publishing university's faculties (× an optional category)."""
    def factory(rng: random.Random, ctx: Context) -> Table:
        faculties = categories("facultad", "Facultad", FACULTIES[ctx.entity["name"]])
        dims = [period_years(ctx), faculties]
        if second:
            dims.append(categories(*second))
        return build(rng, dims, measures)

    return factory


# -- prices --------------------------------------------------------------------------------------

# Typical monthly inflation (%) of each year, so that the demo index follows the broad path of
# prices in Bolivia: low until 2023, rising in 2024 and 2025.
MONTHLY_INFLATION = {2019: 0.12, 2020: 0.06, 2021: 0.07, 2022: 0.25, 2023: 0.18, 2024: 0.8,
                     2025: 1.5, 2026: 1.0}


def consumer_prices(_rng: random.Random, ctx: Context) -> Table:
    """A coherent monthly CPI: one series from 2019 (base 2016 = 100), sliced to the period; the
    monthly and twelve-month variations are computed from the index itself."""
    series_rng = random.Random("ipc-series")
    index = 108.0
    series: list[tuple[int, int, float, float]] = []
    for year in sorted(MONTHLY_INFLATION):
        for month in range(1, 13):
            change = series_rng.gauss(MONTHLY_INFLATION[year], 0.3)
            index *= 1 + change / 100
            series.append((year, month, round(index, 2), round(change, 2)))
    columns = [
        _key("gestion", "Gestión", "integer"),
        _key("mes", "Mes", "integer"),
        Column("indice_general", "Índice general", "number", unit="base 2016 = 100", minimum=0),
        Column("variacion_mensual_pct", "Variación mensual", "number", unit="%", minimum=-10,
               maximum=20),
        Column("variacion_12_meses_pct", "Variación a doce meses", "number", unit="%",
               minimum=-20, maximum=100),
    ]
    rows = []
    for position, (year, month, level, change) in enumerate(series):
        if not (ctx.period.first <= year <= ctx.period.last) or (
            year == ctx.period.last and month > ctx.period.last_month
        ):
            continue
        year_ago = series[position - 12][2] if position >= 12 else None
        twelve = round(100 * (level / year_ago - 1), 2) if year_ago else None
        rows.append([year, month, level, change, twelve])
    return Table(columns, rows, ["gestion", "mes"])
