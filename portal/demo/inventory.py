"""The families of demo datasets, by publisher. Titles follow the way Bolivian entities name their
publications; the figures are illustrative (see ``portal.demo.tables``)."""

from __future__ import annotations

from datetime import date

from portal.demo import registries as reg
from portal.demo.family import (
    Family,
    Period,
    each_year,
    per_area,
    per_category,
    per_department,
    per_month,
    per_quarter,
    per_week,
)
from portal.demo.tables import (
    Column,
    Measure,
    amount,
    build,
    count,
    days,
    derived,
    rate,
    share,
)

GADS = ("gad-la-paz", "gad-cochabamba", "gad-santa-cruz", "gad-chuquisaca")
GAMS = ("gam-la-paz", "gam-el-alto", "gam-cochabamba", "gam-santa-cruz-de-la-sierra", "gam-sucre")
UNIVERSITIES = ("umsa", "umss")
BUDGET_CENTRAL = (
    "ministerio-presidencia", "mefp", "mpd", "mopsv", "ministerio-educacion", "mjti", "mdpyep",
    "mdryt", "cancilleria", "mhe", "minculturas", "agetic", "adsib", "ine", "egpp", "aduana",
    "aben", "contraloria", "procuraduria", "defensoria",
)
BUDGET_TERRITORIAL = (*GADS, *GAMS, "gam-combaya", "charagua-iyambae", *UNIVERSITIES)

# Monthly weights: tax and customs revenue peak at the annual closings; school terms; rains.
REVENUE_SEASON = (0.9, 0.85, 0.95, 1.25, 1.2, 0.95, 0.95, 1.0, 0.95, 1.0, 0.95, 1.05)
RAIN_SEASON = (1.8, 1.7, 1.3, 0.7, 0.4, 0.3, 0.3, 0.4, 0.6, 0.9, 1.2, 1.6)

INE_SOURCE = "Instituto Nacional de Estadística (INE)"


FAMILIES: list[Family] = [
    # --- Instituto Nacional de Estadística ----------------------------------------------------
    Family(
        "CPV-POB", ("ine",),
        "Censo de Población y Vivienda 2024: población por departamento, sexo y edad",
        "Población empadronada en el Censo de Población y Vivienda 2024, por departamento, sexo "
        "y grupo de edad.",
        ("poblacion",), ("censo", "población", "sexo", "departamentos"), "NEVER",
        per_department(
            count("poblacion_total", "Población total", 419_000, 0, "personas", noise=0.02),
            derived("mujeres", "Mujeres",
                    share("poblacion_total", 0.5, 0.51, "cpv"), "integer", "personas"),
            derived("hombres", "Hombres", lambda r: r["poblacion_total"] - r["mujeres"],
                    "integer", "personas"),
            category=("grupo_edad", "Grupo de edad", (
                ("0 a 14 años", 0.9), ("15 a 64 años", 1.9), ("65 años o más", 0.2))),
        ),
        (Period(2024, 2024),), INE_SOURCE, schema=True, json=True, dictionary=True,
        license_id="CC-BY-4.0",
    ),
    Family(
        "CPV-VIV", ("ine",),
        "Censo de Población y Vivienda 2024: viviendas particulares y servicios básicos",
        "Viviendas particulares ocupadas y su acceso a agua por red, energía eléctrica y "
        "alcantarillado, por departamento y área.",
        ("poblacion", "regiones"), ("censo", "vivienda", "servicios básicos", "agua"), "NEVER",
        per_department(
            count("viviendas", "Viviendas particulares ocupadas", 113_000, 0, "viviendas"),
            derived("con_agua_red", "Con agua por red", share("viviendas", 0.72, 0.93, "agua"),
                    "integer", "viviendas"),
            derived("con_energia", "Con energía eléctrica",
                    share("viviendas", 0.85, 0.98, "luz"), "integer", "viviendas"),
            derived("con_alcantarillado", "Con alcantarillado",
                    share("viviendas", 0.35, 0.75, "alc"), "integer", "viviendas"),
            category=("area", "Área", (("Ciudad capital", 1.4), ("Resto urbano", 0.6),
                                       ("Rural", 1.0))),
        ),
        (Period(2024, 2024),), INE_SOURCE, schema=True,
    ),
    Family(
        "PROY", ("ine",), "Proyecciones de población por departamento {period}",
        "Población proyectada al 30 de junio de cada año, por departamento.",
        ("poblacion",), ("proyecciones", "población", "demografía"), "ANNUAL",
        per_department(count("poblacion", "Población proyectada", 1_200_000, 0.014,
                             "personas", noise=0.01)),
        (Period(2020, 2030),), INE_SOURCE, schema=True, json=True, damage={0: "type-error"},
    ),
    Family(
        "IPC", ("ine",), "Índice de Precios al Consumidor (IPC) mensual {period}",
        "Índice general de precios al consumidor (base 2016 = 100) y sus variaciones mensual, "
        "acumulada y a doce meses.",
        ("economia",), ("ipc", "inflación", "precios"), "MONTHLY",
        reg.consumer_prices,
        (Period(2019, 2020), Period(2021, 2022), Period(2023, 2024),
         Period(2025, 2026, last_month=9)), INE_SOURCE,
        schema=True, json=True, drafts=(3,), damage={2: "constraint-error"},
    ),
    Family(
        "EXP", ("ine",), "Exportaciones por departamento {period}",
        "Valor FOB y peso neto de las exportaciones según departamento de origen y tipo de "
        "producto.",
        ("economia",), ("exportaciones", "comercio exterior", "FOB"), "ANNUAL",
        per_department(
            amount("valor_fob_usd", "Valor FOB", 1.1e9, 0.04, "USD", noise=0.3),
            count("peso_neto_kg", "Peso neto", 2.5e9, 0.02, "kg", noise=0.3),
            category=("tipo_producto", "Tipo de producto", (
                ("Minerales", 1.6), ("Hidrocarburos", 1.0), ("No tradicionales", 1.1),
                ("Otros", 0.3))),
        ),
        each_year(2021, 2025), INE_SOURCE, schema=True,
    ),
    Family(
        "IMP", ("ine",), "Importaciones según departamento de destino {period}",
        "Valor CIF frontera de las importaciones según departamento de destino y uso "
        "económico.",
        ("economia",), ("importaciones", "comercio exterior", "CIF"), "ANNUAL",
        per_department(amount("valor_cif_usd", "Valor CIF frontera", 0.3e9, 0.03, "USD",
                              noise=0.2),
                       category=("uso_economico", "Uso o destino económico", (
                           ("Bienes de consumo", 0.9), ("Materias primas y productos "
                                                        "intermedios", 1.9),
                           ("Bienes de capital", 1.0), ("Diversos", 0.2)))),
        each_year(2021, 2025), f"{INE_SOURCE} con registros de la Aduana Nacional",
    ),
    Family(
        "EH", ("ine",), "Encuesta de Hogares: indicadores de pobreza por departamento {period}",
        "Incidencia de la pobreza moderada y extrema por departamento, según la Encuesta de "
        "Hogares.",
        ("poblacion",), ("encuesta de hogares", "pobreza", "condiciones de vida"), "ANNUAL",
        per_department(
            rate("pobreza_moderada_pct", "Pobreza moderada", 36, -0.02),
            rate("pobreza_extrema_pct", "Pobreza extrema", 11, -0.03, noise=0.2),
            category=("area", "Área", ("Urbana", "Rural")),
        ),
        (Period(2015, 2019), Period(2020, 2024)), INE_SOURCE, schema=True, json=True,
        license_id="CC-BY-4.0",
    ),
    Family(
        "ECE", ("ine",), "Encuesta Continua de Empleo: desocupación urbana trimestral {period}",
        "Tasa de desocupación y tasa global de participación en las ciudades capitales y El "
        "Alto, por trimestre.",
        ("poblacion", "economia"), ("empleo", "desocupación", "mercado laboral"), "QUARTERLY",
        per_quarter(
            rate("tasa_desocupacion_pct", "Tasa de desocupación", 4.8, -0.02, noise=0.1),
            rate("tasa_global_participacion_pct", "Tasa global de participación", 66, 0,
                 noise=0.02),
            category=("ciudad", "Ciudad", (
                "Sucre", "La Paz", "El Alto", "Cochabamba", "Oruro", "Potosí", "Tarija",
                "Santa Cruz de la Sierra", "Trinidad", "Cobija")),
        ),
        each_year(2021, 2025), INE_SOURCE, schema=True,
    ),
    Family(
        "PIBD", ("ine",), "Producto Interno Bruto departamental {period}",
        "PIB a precios corrientes y su tasa de crecimiento a precios constantes, por "
        "departamento.",
        ("economia", "regiones"), ("pib", "cuentas nacionales", "crecimiento"), "ANNUAL",
        per_department(
            amount("pib_millones_bs", "PIB a precios corrientes", 32_000, 0.05, "millones de Bs",
                   noise=0.1),
            rate("crecimiento_pct", "Crecimiento real", 2.5, 0, noise=0.5, minimum=-10,
                 maximum=15),
        ),
        (Period(2018, 2024),), INE_SOURCE, schema=True, dictionary=True,
    ),
    Family(
        "EV", ("ine",), "Estadísticas vitales: nacimientos y defunciones por departamento {period}",
        "Nacimientos y defunciones inscritos en el registro civil, por mes y departamento "
        "de ocurrencia.",
        ("salud", "poblacion"), ("nacimientos", "defunciones", "estadísticas vitales"), "ANNUAL",
        per_department(
            count("nacimientos", "Nacimientos inscritos", 2_000, -0.01, "nacimientos"),
            count("defunciones", "Defunciones inscritas", 620, 0.01, "defunciones"),
            monthly=True,
        ),
        each_year(2020, 2024), f"{INE_SOURCE} con datos del Servicio de Registro Cívico",
        schema=True,
    ),
    Family(
        "IGAE", ("ine",), "Índice Global de Actividad Económica (IGAE) {period}",
        "Índice mensual de la actividad económica y su variación acumulada, por actividad.",
        ("economia",), ("igae", "actividad económica", "coyuntura"), "MONTHLY",
        per_month(
            rate("indice", "Índice (1990 = 100)", 340, 0.02, "índice", noise=0.03, maximum=None),
            rate("variacion_acumulada_pct", "Variación acumulada", 2.2, 0, noise=0.4,
                 minimum=-15, maximum=15, decimals=2),
            category=("actividad", "Actividad económica", (
                "Agricultura, pecuaria, silvicultura y pesca", "Petróleo crudo y gas natural",
                "Minerales metálicos y no metálicos", "Industria manufacturera",
                "Electricidad, gas y agua", "Construcción", "Comercio",
                "Transporte y almacenamiento", "Comunicaciones",
                "Establecimientos financieros", "Servicios de la administración pública")),
        ),
        each_year(2022, 2025), INE_SOURCE, json=True,
    ),
    Family(
        "TIC-H", ("ine",), "Acceso de los hogares a tecnologías de información y comunicación "
        "{period}",
        "Porcentaje de hogares con acceso a Internet, computadora y telefonía móvil, por "
        "departamento.",
        ("ciencia-tecnologia", "poblacion"), ("internet", "tic", "hogares", "brecha digital"),
        "ANNUAL",
        per_department(
            rate("hogares_internet_pct", "Hogares con acceso a Internet", 62, 0.05),
            rate("hogares_computadora_pct", "Hogares con computadora", 31, 0.03),
            rate("hogares_celular_pct", "Hogares con teléfono celular", 93, 0.005, noise=0.03),
        ),
        (Period(2019, 2024),), INE_SOURCE, schema=True,
    ),
    # --- Ministerio de Economía y Finanzas Públicas -------------------------------------------
    Family(
        "PGE", ("mefp",), "Presupuesto General del Estado por tipo de entidad {period}",
        "Presupuesto aprobado agregado por tipo de entidad del sector público y grupo de gasto.",
        ("economia", "gobierno"), ("presupuesto general del estado", "pge", "finanzas públicas"),
        "ANNUAL",
        per_category("tipo_entidad", "Tipo de entidad", (
            ("Órgano Ejecutivo", 4.0), ("Instituciones descentralizadas", 1.5),
            ("Empresas públicas", 6.0), ("Gobiernos autónomos departamentales", 1.2),
            ("Gobiernos autónomos municipales", 2.2), ("Universidades públicas", 0.6),
            ("Seguridad social", 1.0), ("Órganos Legislativo, Judicial y Electoral", 0.3),
        ), amount("presupuesto_aprobado_bs", "Presupuesto aprobado", 4e9, 0.04),
            category=("grupo_gasto", "Grupo de gasto", (
                ("Servicios personales", 1.6), ("Servicios no personales", 0.8),
                ("Materiales y suministros", 1.2), ("Activos reales", 1.3),
                ("Transferencias", 1.0), ("Servicio de la deuda pública", 0.6),
                ("Otros gastos", 0.5)))),
        each_year(2022, 2026), "Ministerio de Economía y Finanzas Públicas", schema=True,
        json=True,
    ),
    Family(
        "TETA", ("mefp",),
        "Transferencias a entidades territoriales autónomas por departamento {period}",
        "Coparticipación tributaria, Impuesto Directo a los Hidrocarburos (IDH) y regalías "
        "transferidos a gobiernos departamentales, municipales y universidades.",
        ("economia", "regiones"), ("coparticipación tributaria", "idh", "regalías",
                                    "transferencias"), "ANNUAL",
        per_department(
            amount("coparticipacion_bs", "Coparticipación tributaria", 0.37e9, 0.03),
            amount("idh_bs", "Impuesto Directo a los Hidrocarburos", 0.15e9, -0.06),
            amount("regalias_bs", "Regalías", 0.1e9, -0.04, noise=0.5),
            category=("beneficiario", "Beneficiario", (
                ("Gobierno autónomo departamental", 0.9), ("Gobiernos autónomos municipales", 1.7),
                ("Universidad pública", 0.4))),
        ),
        each_year(2021, 2025), "Ministerio de Economía y Finanzas Públicas", schema=True,
        damage={1: "missing-cell"},
    ),
    Family(
        "SIGEP-DEP", ("mefp",), "Uso de la plataforma de depósitos del SIGEP {period}",
        "Movimientos de crédito de las cuentas corrientes fiscales según canal, por mes "
        "(línea estratégica 7 del Plan de Implementación de Gobierno Electrónico).",
        ("gobierno", "economia"), ("sigep", "cuentas fiscales", "gobierno electrónico"),
        "MONTHLY",
        per_category("canal", "Canal", (("Plataforma de depósitos del SIGEP", 1.0),
                                        ("Ventanilla bancaria", 1.3)),
                     count("movimientos", "Movimientos de crédito", 42_000, 0.25),
                     monthly=True),
        each_year(2024, 2025), "Ministerio de Economía y Finanzas Públicas",
    ),
    Family(
        "SICOES", ("mefp",), "Procesos de contratación publicados en el SICOES {period}",
        "Muestra de convocatorias publicadas en el Sistema de Contrataciones Estatales: entidad, "
        "objeto, modalidad, precio referencial y estado.",
        ("gobierno", "economia"), ("contrataciones estatales", "sicoes", "compras públicas"),
        "MONTHLY", reg.procurement_notices, each_year(2022, 2025),
        "Sistema de Contrataciones Estatales (SICOES)", schema=True, json=True,
        damage={3: "primary-key"},
    ),
    Family(
        "DEUDA", ("mefp",), "Saldo de la deuda pública externa por acreedor {period}",
        "Saldo al cierre de la gestión de la deuda pública externa de mediano y largo plazo, "
        "por tipo de acreedor.",
        ("economia",), ("deuda pública", "deuda externa", "finanzas públicas"), "ANNUAL",
        per_category("acreedor", "Tipo de acreedor", (
            ("Multilateral", 3.0), ("Bilateral", 1.0), ("Privado (bonos soberanos)", 0.8),
        ), amount("saldo_millones_usd", "Saldo", 1_500, 0.06, "millones de USD", noise=0.05)),
        (Period(2006, 2025),), "Ministerio de Economía y Finanzas Públicas", json=True,
    ),
    # --- Ministerio de Planificación del Desarrollo ------------------------------------------
    Family(
        "IP", ("mpd",), "Inversión pública ejecutada por departamento y sector {period}",
        "Inversión pública ejecutada por departamento y sector económico.",
        ("economia", "regiones"), ("inversión pública", "proyectos", "planificación"), "ANNUAL",
        per_category("sector", "Sector", (
            ("Productivo", 1.0), ("Infraestructura", 2.0), ("Social", 1.4), ("Multisectorial", 0.4),
        ), amount("ejecutado_bs", "Inversión ejecutada", 160e6, 0.02, noise=0.2),
            by_department=True),
        each_year(2021, 2025), "Viceministerio de Inversión Pública y Financiamiento Externo",
        schema=True, json=True,
    ),
    Family(
        "PDES", ("mpd",), "Seguimiento a las metas del Plan de Desarrollo Económico y Social "
        "por eje {period}",
        "Número de metas del PDES con avance registrado según estado de cumplimiento, por eje.",
        ("gobierno",), ("pdes", "planificación", "seguimiento"), "ANNUAL",
        per_category("eje", "Eje del PDES", [f"Eje {n}" for n in range(1, 11)],
                     count("metas", "Metas", 12, 0, "metas", noise=0.3),
                     derived("metas_en_curso", "Metas en curso o cumplidas",
                             share("metas", 0.4, 0.95, "pdes"), "integer", "metas")),
        (Period(2021, 2025),), "Ministerio de Planificación del Desarrollo",
    ),
    # --- AGETIC -------------------------------------------------------------------------------
    Family(
        "PIGE-METAS", ("agetic",),
        "Metas del Plan de Implementación de Gobierno Electrónico 2025-2028",
        "Las metas del Cuadro N° 3 del Anexo del Decreto Supremo 5468, con sus entidades "
        "responsables y coordinadoras, por eje y línea estratégica.",
        ("gobierno", "ciencia-tecnologia"), ("pige", "gobierno electrónico", "ds 5468", "metas"),
        "NEVER", reg.pige_targets, (Period(2025, 2028),),
        "Decreto Supremo 5468 de 1 de octubre de 2025, Anexo, Cuadro N° 3", schema=True,
        json=True, dictionary=True, license_id="CC0-1.0",
    ),
    Family(
        "TRAMITES", ("agetic",), "Trámites digitales disponibles en Ciudadanía Digital",
        "Trámites y servicios del Estado publicados en el Portal de Trámites gob.bo, con su "
        "disponibilidad en línea y su integración con Ciudadanía Digital.",
        ("gobierno", "ciencia-tecnologia"), ("ciudadanía digital", "trámites", "gob.bo"),
        "IRREG", reg.procedures, (Period(2025, 2025),), "Portal de Trámites del "
        "Estado (gob.bo)", schema=True, json=True, temporal=False,
    ),
    Family(
        "CD-REG", ("agetic",), "Registros en Ciudadanía Digital por departamento {period}",
        "Cuentas de Ciudadanía Digital habilitadas por mes y departamento de residencia "
        "declarado.",
        ("ciencia-tecnologia", "gobierno"), ("ciudadanía digital", "identidad digital"),
        "ANNUAL",
        per_department(count("cuentas_habilitadas", "Cuentas habilitadas", 3_200, 0.35),
                       monthly=True),
        each_year(2021, 2025), "Plataforma de Ciudadanía Digital", schema=True, json=True,
    ),
    Family(
        "PIE-SERV", ("agetic",), "Servicios de la plataforma de interoperabilidad del Estado",
        "Servicios publicados en la plataforma de interoperabilidad, con su entidad proveedora, "
        "protocolo y número de entidades consumidoras.",
        ("gobierno", "ciencia-tecnologia"), ("interoperabilidad", "servicios web", "api"),
        "IRREG", reg.interoperability_services, (Period(2025, 2025),),
        "Plataforma de interoperabilidad del Estado", schema=True, json=True, temporal=False,
    ),
    Family(
        "PIE-USO", ("agetic",), "Consultas mensuales a la plataforma de interoperabilidad {period}",
        "Consultas atendidas por la plataforma de interoperabilidad, por mes y tipo de servicio.",
        ("gobierno", "ciencia-tecnologia"), ("interoperabilidad", "estadísticas de uso"),
        "MONTHLY",
        per_category("tipo_servicio", "Tipo de servicio", (
            ("Identidad", 3.0), ("Registro civil", 1.2), ("Tributario", 0.8),
            ("Empresarial", 0.5), ("Notificaciones", 0.9),
        ), count("consultas", "Consultas atendidas", 210_000, 0.3), monthly=True),
        each_year(2024, 2025), "Plataforma de interoperabilidad del Estado",
        damage={0: "extra-cell"}, schema=True,
    ),
    Family(
        "RED", ("agetic",), "Entidades conectadas a la red estatal de datos {period}",
        "Entidades públicas conectadas a la red estatal de datos y ancho de banda contratado, "
        "por trimestre y departamento.",
        ("ciencia-tecnologia",), ("red estatal", "conectividad", "infraestructura"), "ANNUAL",
        per_department(
            count("entidades_conectadas", "Entidades conectadas", 22, 0.12, "entidades"),
            amount("ancho_banda_mbps", "Ancho de banda", 900, 0.2, "Mbps", decimals=0),
            quarterly=True,
        ),
        each_year(2023, 2025), "AGETIC",
    ),
    Family(
        "RECLAMOS", ("agetic",), "Reclamos registrados en la plataforma de atención de reclamos "
        "{period}",
        "Reclamos de la ciudadanía sobre servicios públicos, por mes y estado de atención.",
        ("gobierno",), ("reclamos", "atención a la ciudadanía", "calidad de servicios"), "MONTHLY",
        per_category("estado", "Estado del reclamo", (
            ("Canalizado a la entidad", 1.0), ("Respondido", 2.4), ("En revisión", 0.4),
        ), count("reclamos", "Reclamos", 620, 0.1), monthly=True),
        each_year(2024, 2025), "Plataforma de atención de reclamos", private=(0,),
    ),
    Family(
        "PIGE-SEG", ("agetic",), "Planes institucionales de gobierno electrónico (PIGE) por "
        "tipo de entidad {period}",
        "Entidades públicas con Plan Institucional de Gobierno Electrónico registrado, revisado "
        "y aprobado en el Sistema de Registro y Seguimiento de Planes (SRSP).",
        ("gobierno", "ciencia-tecnologia"), ("pige", "gobierno electrónico", "srsp"), "ANNUAL",
        per_category("tipo_entidad", "Tipo de entidad", (
            ("Ministerios", 0.3), ("Instituciones descentralizadas", 1.0),
            ("Empresas públicas", 0.4), ("Gobiernos autónomos departamentales", 0.15),
            ("Gobiernos autónomos municipales", 3.0), ("Universidades públicas", 0.2),
        ),
            count("entidades", "Entidades del tipo", 60, 0, "entidades", noise=0.02),
            derived("pige_registrado", "Con PIGE registrado",
                    share("entidades", 0.5, 0.9, "reg"), "integer", "entidades"),
            derived("pige_aprobado", "Con PIGE aprobado",
                    share("pige_registrado", 0.4, 0.85, "apr"), "integer", "entidades"),
            monthly=True,
        ),
        each_year(2024, 2025), "Sistema de Registro y Seguimiento de Planes (SRSP)",
        schema=True, json=True,
    ),
    Family(
        "OCDS", ("agetic",), "Contrataciones de la AGETIC {period} (estándar de contrataciones "
        "abiertas)",
        "Contrataciones de la gestión publicadas con el Estándar de Datos para las Contrataciones "
        "Abiertas (OCDS 1.1), piloto del Plan para el Fortalecimiento del Gobierno Abierto y "
        "Participativo.",
        ("gobierno", "economia"), ("contrataciones abiertas", "ocds", "transparencia"), "NEVER",
        None, (Period(2019, 2019),), "AGETIC", document=reg.ocds_release_package,
        name="contrataciones-agetic-2019-estandar-ocp",
    ),
    Family(
        "ASES", ("agetic",), "Asesoramiento técnico y legal en gobierno electrónico {period}",
        "Asesoramientos técnicos y legales brindados a entidades públicas, por tipo de entidad "
        "y materia.",
        ("gobierno",), ("asesoramiento", "gobierno electrónico"), "ANNUAL",
        per_category("materia", "Materia", (
            ("Software libre y estándares abiertos", 1.0), ("Interoperabilidad", 1.2),
            ("Ciudadanía Digital", 1.5), ("Seguridad de la información", 0.8),
            ("Normativa de gobierno electrónico", 0.6), ("Datos abiertos", 0.5),
        ), count("asesoramientos", "Asesoramientos", 7, 0.1, noise=0.4), by_department=True),
        each_year(2023, 2025), "AGETIC",
    ),
    # --- ADSIB and CGII -----------------------------------------------------------------------
    Family(
        "DOM", ("adsib",), "Nombres de dominio .bo registrados por subdominio {period}",
        "Nombres de dominio registrados y vigentes bajo .bo, por mes y subdominio.",
        ("ciencia-tecnologia",), ("dominios", "nic.bo", "internet"), "ANNUAL",
        per_category("subdominio", "Subdominio", (
            (".com.bo", 5.0), (".bo", 1.6), (".org.bo", 0.9), (".gob.bo", 0.8), (".edu.bo", 0.6),
            (".net.bo", 0.3), (".tv.bo", 0.1), (".mil.bo", 0.05), (".int.bo", 0.03),
        ),
            count("registros_nuevos", "Registros nuevos", 75, 0.06, "dominios"),
            count("dominios_vigentes", "Dominios vigentes", 5_200, 0.05, "dominios"),
            monthly=True,
        ),
        each_year(2022, 2025), "NIC Bolivia (ADSIB)", schema=True, json=True,
    ),
    Family(
        "FD", ("adsib",), "Certificados de firma digital emitidos {period}",
        "Certificados digitales emitidos por la ADSIB como entidad certificadora pública, por "
        "mes y tipo de titular.",
        ("ciencia-tecnologia", "gobierno"), ("firma digital", "certificados digitales"),
        "MONTHLY",
        per_category("tipo_titular", "Tipo de titular", (
            ("Persona natural", 2.0), ("Servidor público", 3.0), ("Persona jurídica", 0.6),
        ), count("certificados", "Certificados emitidos", 1_400, 0.2), monthly=True),
        each_year(2023, 2025), "ADSIB", license_id="CC-BY-SA-4.0",
    ),
    Family(
        "INC", ("cgii",), "Incidentes informáticos reportados al CGII {period}",
        "Incidentes informáticos en entidades del sector público reportados y atendidos por el "
        "CGII, por mes y tipo de incidente.",
        ("ciencia-tecnologia", "gobierno"), ("seguridad informática", "incidentes",
                                              "ciberseguridad"), "MONTHLY",
        per_category("tipo_incidente", "Tipo de incidente", (
            ("Modificación no autorizada de sitio web", 1.0), ("Código malicioso", 1.4),
            ("Phishing", 1.8), ("Acceso no autorizado", 0.6), ("Denegación de servicio", 0.3),
            ("Vulnerabilidad reportada", 2.0),
        ),
            count("incidentes", "Incidentes reportados", 14, 0.08, "incidentes", noise=0.4),
            derived("atendidos", "Incidentes atendidos",
                    share("incidentes", 0.9, 1.0, "att"), "integer", "incidentes"),
            monthly=True),
        each_year(2021, 2025), "Centro de Gestión de Incidentes Informáticos (CGII)",
        schema=True, damage={4: "constraint-error"},
    ),
    Family(
        "PISI", ("cgii",), "Planes Institucionales de Seguridad de la Información {period}",
        "Entidades del nivel central con Plan Institucional de Seguridad de la Información "
        "presentado y vigente, por tipo de entidad.",
        ("ciencia-tecnologia", "gobierno"), ("seguridad de la información", "pisi"), "ANNUAL",
        per_category("tipo_entidad", "Tipo de entidad", (
            ("Ministerios", 0.4), ("Instituciones descentralizadas", 1.6),
            ("Empresas públicas", 0.7),
        ),
            count("entidades", "Entidades", 40, 0, "entidades", noise=0.02),
            derived("con_plan", "Con plan presentado", share("entidades", 0.45, 0.85, "pisi"),
                    "integer", "entidades"),
            monthly=True,
        ),
        each_year(2024, 2025), "CGII",
    ),
    # --- EGPP, Presidencia, COPLUTIC, CTIC-EPB -------------------------------------------------
    Family(
        "CAP", ("egpp",), "Servidores públicos capacitados por departamento {period}",
        "Participantes que aprobaron cursos de la EGPP, por departamento, sexo y modalidad.",
        ("educacion", "gobierno"), ("capacitación", "servidores públicos", "formación"), "ANNUAL",
        per_category("sexo", "Sexo", ("Mujer", "Hombre"),
                     count("aprobados", "Participantes aprobados", 1_050, 0.06, "personas"),
                     by_department=True,
                     category=("modalidad", "Modalidad", (("Virtual", 1.5), ("Presencial", 0.5)))),
        each_year(2021, 2025), "Escuela de Gestión Pública Plurinacional", schema=True,
        json=True,
    ),
    Family(
        "CURSOS", ("egpp",), "Oferta académica de la EGPP {period}",
        "Cursos ofertados en la gestión con su modalidad, carga horaria, inscritos y aprobados.",
        ("educacion", "gobierno"), ("cursos", "capacitación", "oferta académica"), "ANNUAL",
        reg.courses, each_year(2024, 2025), "EGPP", schema=True,
        language=("es", "qu", "ay", "gn"),
    ),
    Family(
        "GACETA", ("ministerio-presidencia",),
        "Normas publicadas en la Gaceta Oficial por tipo y mes {period}",
        "Número de leyes, decretos supremos y decretos presidenciales publicados en la Gaceta "
        "Oficial del Estado Plurinacional de Bolivia.",
        ("gobierno", "justicia"), ("gaceta oficial", "normativa", "decretos supremos"),
        "MONTHLY",
        per_category("tipo_norma", "Tipo de norma", (
            ("Ley", 0.3), ("Decreto Supremo", 1.0), ("Decreto Presidencial", 0.2),
        ), count("normas", "Normas publicadas", 45, 0, "normas", noise=0.35), monthly=True),
        each_year(2022, 2025), "Gaceta Oficial del Estado Plurinacional de Bolivia", schema=True,
        json=True, license_id="CC0-1.0",
    ),
    Family(
        "COPLUTIC", ("coplutic",), "Miembros del Comité Plurinacional de Tecnologías de "
        "Información y Comunicación",
        "Entidades que conforman el COPLUTIC según el Cuadro N° 1 del Anexo del Decreto Supremo "
        "5468.",
        ("gobierno", "ciencia-tecnologia"), ("coplutic", "gobierno electrónico", "ds 5468"),
        "IRREG", reg.coplutic_members, (Period(2025, 2025),),
        "Decreto Supremo 5468, Anexo, Cuadro N° 1", schema=True, json=True, temporal=False,
        license_id="CC0-1.0",
    ),
    Family(
        "CTIC-MESAS", ("ctic-epb",), "Participación en las mesas técnicas del CTIC-EPB {period}",
        "Entidades participantes y sesiones realizadas por mes y mesa técnica del Consejo.",
        ("gobierno", "ciencia-tecnologia"), ("ctic-epb", "estándares abiertos", "datos abiertos"),
        "ANNUAL",
        per_category("mesa_tecnica", "Mesa técnica", (
            ("Datos abiertos", 1.0), ("Interoperabilidad", 1.2),
            ("Seguridad de la información", 1.1),
            ("Software libre y estándares abiertos", 0.9), ("Ciudadanía Digital", 0.7),
        ),
            count("entidades_participantes", "Entidades participantes", 14, 0.05, "entidades"),
            count("sesiones", "Sesiones realizadas", 1, 0, "sesiones", noise=0.6),
            monthly=True,
        ),
        each_year(2023, 2025), "CTIC-EPB",
    ),
    # --- Sector ministries --------------------------------------------------------------------
    Family(
        "INET", ("mopsv",), "Conexiones a Internet fijo y móvil por departamento {period}",
        "Conexiones a Internet activas al cierre de cada trimestre, por tecnología de acceso.",
        ("ciencia-tecnologia", "regiones"), ("internet", "conectividad", "telecomunicaciones"),
        "ANNUAL",
        per_department(
            count("conexiones_moviles", "Conexiones móviles", 1_100_000, 0.06, "conexiones"),
            count("conexiones_fijas", "Conexiones fijas", 170_000, 0.12, "conexiones"),
            quarterly=True,
        ),
        each_year(2021, 2025), "Viceministerio de Telecomunicaciones", schema=True, json=True,
    ),
    Family(
        "VIV", ("mopsv",), "Viviendas sociales entregadas por departamento {period}",
        "Soluciones habitacionales entregadas por los programas de vivienda social.",
        ("regiones", "poblacion"), ("vivienda social", "programas de vivienda"), "ANNUAL",
        per_category("programa", "Tipo de solución", (
            ("Vivienda nueva", 1.0), ("Mejoramiento", 1.6), ("Ampliación", 0.8),
        ), count("soluciones", "Soluciones entregadas", 280, 0.02), by_department=True),
        each_year(2022, 2025), "Agencia Estatal de Vivienda", schema=True,
    ),
    Family(
        "RVF", ("mopsv",), "Red vial fundamental por departamento y tipo de superficie {period}",
        "Longitud de la red vial fundamental según tipo de superficie de rodadura.",
        ("transporte",), ("red vial", "carreteras", "infraestructura"), "ANNUAL",
        per_category("superficie", "Superficie de rodadura", (
            ("Pavimento", 1.0), ("Ripio", 0.6), ("Tierra", 0.25),
        ), amount("longitud_km", "Longitud", 900, 0.03, "km", decimals=1, noise=0.2),
            by_department=True),
        (Period(2024, 2024), Period(2025, 2025)), "Administradora Boliviana de Carreteras",
        json=True,
    ),
    Family(
        "MAT", ("ministerio-educacion",), "Matrícula escolar por departamento {period}",
        "Estudiantes inscritos en el Subsistema de Educación Regular, por departamento y nivel.",
        ("educacion",), ("matrícula", "educación regular", "estudiantes", "rude"), "ANNUAL",
        per_category("nivel", "Nivel", (
            ("Inicial", 0.35), ("Primaria", 1.0), ("Secundaria", 0.85),
        ), count("estudiantes", "Estudiantes inscritos", 110_000, 0.005, "estudiantes"),
            by_department=True),
        (Period(2020, 2024), *each_year(2023, 2025)), "Registro Único de Estudiantes (RUDE)",
        schema=True, json=True, dictionary=True, damage={0: "type-error"},
    ),
    Family(
        "UE", ("ministerio-educacion",), "Unidades educativas por departamento y dependencia "
        "{period}",
        "Unidades educativas del Subsistema de Educación Regular según dependencia.",
        ("educacion",), ("unidades educativas", "escuelas", "infraestructura educativa"),
        "ANNUAL",
        per_category("dependencia", "Dependencia", (
            ("Fiscal", 1.0), ("Convenio", 0.12), ("Privada", 0.15),
        ), count("unidades_educativas", "Unidades educativas", 1_500, 0.005, "unidades"),
            by_department=True),
        each_year(2023, 2025), "Sistema de Información Educativa", schema=True,
    ),
    Family(
        "BACH", ("ministerio-educacion",), "Bachilleres por departamento, sexo y área {period}",
        "Estudiantes que concluyeron el nivel secundario y obtuvieron el diploma de bachiller.",
        ("educacion",), ("bachillerato", "diploma de bachiller", "egresados"), "ANNUAL",
        per_category("sexo", "Sexo", ("Mujer", "Hombre"),
                     count("bachilleres", "Bachilleres", 4_750, 0.02, "personas"),
                     by_department=True,
                     category=("area", "Área", (("Urbana", 1.4), ("Rural", 0.6)))),
        each_year(2022, 2025), "Ministerio de Educación", json=True,
    ),
    Family(
        "SAIP", ("mjti",), "Solicitudes de acceso a la información pública {period}",
        "Solicitudes de acceso a la información presentadas a entidades del Órgano Ejecutivo, "
        "por mes y estado de respuesta.",
        ("justicia", "gobierno"), ("acceso a la información", "transparencia"), "MONTHLY",
        per_category("estado", "Estado", (
            ("Respondida en plazo", 2.5), ("Respondida fuera de plazo", 0.6),
            ("Pendiente", 0.3), ("Rechazada", 0.2),
        ), count("solicitudes", "Solicitudes", 95, 0.08, noise=0.25), monthly=True),
        each_year(2023, 2025), "Viceministerio de Transparencia Institucional y Lucha Contra la "
        "Corrupción", schema=True, json=True,
    ),
    Family(
        "DENUNCIAS", ("mjti",), "Denuncias por presuntos hechos de corrupción por departamento "
        "{period}",
        "Denuncias recibidas y derivadas por las unidades de transparencia, por departamento.",
        ("justicia",), ("corrupción", "denuncias", "transparencia"), "ANNUAL",
        per_department(
            count("denuncias_recibidas", "Denuncias recibidas", 58, 0.03, noise=0.3),
            derived("derivadas_ministerio_publico", "Derivadas al Ministerio Público",
                    share("denuncias_recibidas", 0.1, 0.3, "den"), "integer"),
            category=("tipo_entidad", "Tipo de entidad denunciada", (
                ("Ministerios", 0.8), ("Instituciones descentralizadas", 1.2),
                ("Empresas públicas", 0.5), ("Entidades territoriales autónomas", 1.5))),
        ),
        each_year(2022, 2025), "Ministerio de Justicia y Transparencia Institucional",
    ),
    Family(
        "RC", ("mdpyep",), "Empresas inscritas en el Registro de Comercio por departamento "
        "{period}",
        "Matrículas de comercio nuevas y vigentes por departamento y tipo societario.",
        ("economia",), ("registro de comercio", "empresas", "seprec"), "ANNUAL",
        per_category("tipo_societario", "Tipo societario", (
            ("Empresa unipersonal", 4.0), ("Sociedad de Responsabilidad Limitada", 1.0),
            ("Sociedad Anónima", 0.08), ("Otras", 0.1),
        ), count("matriculas_nuevas", "Matrículas nuevas", 2_100, 0.04), by_department=True),
        each_year(2022, 2025), "Servicio Plurinacional de Registro de Comercio (SEPREC)",
        schema=True, json=True,
    ),
    Family(
        "MYPE-TIC", ("mdpyep",), "MyPE y artesanos capacitados en tecnologías de información "
        "{period}",
        "Micro y pequeñas empresas y artesanos capacitados en el uso de TIC para producción y "
        "comercialización, por departamento.",
        ("economia", "ciencia-tecnologia"), ("mype", "artesanos", "capacitación", "tic"),
        "ANNUAL",
        per_department(count("solicitudes", "Solicitudes de capacitación", 32, 0.1, noise=0.3),
                       derived("capacitados", "Unidades productivas capacitadas",
                               share("solicitudes", 0.85, 1.0, "myp"), "integer"),
                       category=("rubro", "Rubro", (
                           "Textiles y confecciones", "Alimentos", "Artesanía", "Madera y muebles",
                           "Cuero y calzado"))),
        each_year(2024, 2025), "Ministerio de Desarrollo Productivo y Economía Plural",
    ),
    Family(
        "AGRO", ("mdryt",), "Superficie cultivada y producción agrícola por departamento, "
        "campaña {period}",
        "Superficie cultivada, producción y rendimiento de los principales cultivos.",
        ("agricultura",), ("producción agrícola", "cultivos", "superficie cultivada"), "ANNUAL",
        per_category("cultivo", "Cultivo", (
            ("Soya", 3.0), ("Maíz en grano", 1.2), ("Papa", 0.6), ("Arroz con cáscara", 0.6),
            ("Caña de azúcar", 0.7), ("Quinua", 0.3), ("Trigo", 0.5),
        ),
            amount("superficie_ha", "Superficie cultivada", 25_000, 0.02, "ha", decimals=0,
                   noise=0.35),
            amount("produccion_t", "Producción", 60_000, 0.025, "t", decimals=0, noise=0.35),
            derived("rendimiento_t_ha", "Rendimiento",
                    lambda r: r["produccion_t"] / r["superficie_ha"] if r["superficie_ha"] else 0,
                    unit="t/ha", decimals=2),
            by_department=True),
        each_year(2021, 2025), "Observatorio Agroambiental y Productivo", schema=True, json=True,
        damage={2: "type-error"},
    ),
    Family(
        "BOV", ("mdryt",), "Población de ganado bovino por departamento {period}",
        "Cabezas de ganado bovino estimadas al cierre de la gestión.",
        ("agricultura",), ("ganadería", "ganado bovino", "pecuario"), "ANNUAL",
        per_department(count("cabezas", "Cabezas de ganado bovino", 1_150_000, 0.02, "cabezas",
                             noise=0.6)),
        (Period(2015, 2025),), "Ministerio de Desarrollo Rural y Tierras",
    ),
    Family(
        "AGROSUS", ("mdryt",), "AGROSUSTENTAR: familias beneficiarias por departamento {period}",
        "Familias productoras beneficiarias del Programa para el Desarrollo de una Agricultura "
        "Sostenible y Resiliente (AGROSUSTENTAR), financiado por el FIDA (DS 5467).",
        ("agricultura",), ("agrosustentar", "fida", "agricultura sostenible"), "ANNUAL",
        per_department(count("familias", "Familias beneficiarias", 260, 0, "familias",
                             noise=0.5),
                       category=("cadena_productiva", "Cadena productiva", (
                           "Quinua", "Café", "Cacao", "Hortalizas", "Leche"))),
        (Period(2026, 2026, last_month=9),), "Ministerio de Desarrollo Rural y Tierras",
        drafts=(0,),
    ),
    Family(
        "APOST", ("cancilleria",), "Apostillas emitidas por mes {period}",
        "Documentos públicos apostillados por el Ministerio de Relaciones Exteriores, por mes "
        "y tipo de documento.",
        ("internacional",), ("apostilla", "legalizaciones", "servicio consular"), "MONTHLY",
        per_category("tipo_documento", "Tipo de documento", (
            ("Educativo", 2.0), ("Registro civil", 1.4), ("Judicial", 0.4), ("Otros", 0.5),
        ), count("apostillas", "Apostillas emitidas", 2_600, 0.06), monthly=True),
        each_year(2023, 2025), "Ministerio de Relaciones Exteriores", schema=True, json=True,
    ),
    Family(
        "TRAT", ("cancilleria",), "Instrumentos internacionales suscritos por tipo {period}",
        "Tratados, convenios y memorandos de entendimiento suscritos, por tipo de instrumento "
        "y año.",
        ("internacional",), ("tratados", "convenios", "cooperación internacional"), "ANNUAL",
        per_category("tipo_instrumento", "Tipo de instrumento", (
            ("Tratado o convenio bilateral", 1.0), ("Instrumento multilateral", 0.4),
            ("Memorando de entendimiento", 1.5),
        ), count("instrumentos", "Instrumentos suscritos", 22, 0, "instrumentos", noise=0.4)),
        (Period(2015, 2025),), "Ministerio de Relaciones Exteriores",
    ),
    Family(
        "HC", ("mhe",), "Producción de gas natural y líquidos por departamento {period}",
        "Producción fiscalizada de gas natural y de hidrocarburos líquidos, por departamento "
        "productor y mes.",
        ("energia",), ("gas natural", "hidrocarburos", "producción"), "MONTHLY",
        per_category("departamento_productor", "Departamento productor", (
            ("Tarija", 3.0), ("Santa Cruz", 1.0), ("Chuquisaca", 0.8), ("Cochabamba", 0.5),
        ),
            amount("gas_mmmcd", "Gas natural", 6.5, -0.08, "MMm³/día", noise=0.06),
            amount("liquidos_bbl_dia", "Hidrocarburos líquidos", 5_200, -0.08, "barriles/día",
                   decimals=0, noise=0.06),
            monthly=True),
        each_year(2022, 2025), "Ministerio de Hidrocarburos y Energías", schema=True, json=True,
    ),
    Family(
        "ELEC", ("mhe",), "Generación de energía eléctrica por fuente {period}",
        "Energía generada en el Sistema Interconectado Nacional por tipo de fuente, por mes.",
        ("energia",), ("energía eléctrica", "generación", "energías renovables"), "MONTHLY",
        per_category("fuente", "Fuente", (
            ("Termoeléctrica", 2.0), ("Hidroeléctrica", 1.0), ("Eólica", 0.2), ("Solar", 0.12),
            ("Biomasa", 0.05),
        ), amount("energia_gwh", "Energía generada", 390, 0.04, "GWh", decimals=1), monthly=True),
        each_year(2023, 2025), "Ministerio de Hidrocarburos y Energías", license_id="ODC-ODbL-1.0",
    ),
    Family(
        "PATR", ("minculturas",), "Bienes del patrimonio cultural declarados por departamento "
        "{period}",
        "Bienes culturales materiales e inmateriales declarados patrimonio por ley, por "
        "departamento y categoría.",
        ("educacion",), ("patrimonio cultural", "cultura", "patrimonio inmaterial"), "ANNUAL",
        per_category("categoria", "Categoría", (
            ("Patrimonio material", 1.0), ("Patrimonio inmaterial", 1.3),
        ), count("declaratorias", "Declaratorias", 9, 0, noise=0.5), by_department=True),
        (Period(2015, 2025),), "Ministerio de Culturas, Descolonización y Despatriarcalización",
        language=("es", "qu", "ay", "gn"),
    ),
    Family(
        "RECAU", ("aduana",), "Recaudación aduanera mensual {period}",
        "Recaudación de tributos aduaneros (gravamen arancelario, IVA importaciones, ICE, IEHD) "
        "por mes.",
        ("economia",), ("recaudación", "tributos aduaneros", "comercio exterior"), "MONTHLY",
        per_category("tributo", "Tributo", (
            ("Gravamen arancelario", 0.6), ("IVA importaciones", 2.5), ("ICE", 0.4),
            ("IEHD", 0.5),
        ), amount("recaudacion_bs", "Recaudación", 380e6, 0.03), monthly=True,
            seasonality=REVENUE_SEASON),
        each_year(2022, 2025), "Aduana Nacional", schema=True, json=True,
    ),
    Family(
        "CONTRAB", ("aduana",), "Comisos por contrabando por departamento {period}",
        "Operativos de control y valor de la mercancía comisada por contrabando, por mes y "
        "departamento.",
        ("economia", "justicia"), ("contrabando", "comisos", "control aduanero"), "ANNUAL",
        per_department(
            count("operativos", "Operativos", 30, 0.05, noise=0.3),
            amount("valor_comisado_bs", "Valor de la mercancía comisada", 4e6, 0.05,
                   noise=0.4),
            monthly=True,
        ),
        each_year(2023, 2025), "Aduana Nacional",
    ),
    Family(
        "MN", ("aben",), "Atenciones en los centros de medicina nuclear y radioterapia {period}",
        "Atenciones realizadas en los centros de la ABEN, por mes y tipo de servicio.",
        ("salud", "energia"), ("medicina nuclear", "radioterapia", "tecnología nuclear"),
        "ANNUAL",
        per_category("servicio", "Servicio", (
            ("Medicina nuclear", 1.0), ("Radioterapia", 0.8), ("Tomografía PET-CT", 0.3),
        ), count("atenciones", "Atenciones", 540, 0.15), monthly=True),
        each_year(2023, 2025), "Agencia Boliviana de Energía Nuclear",
    ),
    Family(
        "RIN", ("bcb",), "Reservas internacionales netas, serie mensual {period}",
        "Saldo de las reservas internacionales netas del BCB al cierre de cada mes, por "
        "componente.",
        ("economia",), ("reservas internacionales", "rin", "política monetaria"), "MONTHLY",
        per_category("componente", "Componente", (
            ("Divisas", 0.5), ("Oro", 1.6), ("DEG y tramo de reservas en el FMI", 0.15),
        ), amount("saldo_millones_usd", "Saldo", 1_300, -0.05, "millones de USD", decimals=1,
                  noise=0.06), monthly=True),
        each_year(2022, 2025), "Banco Central de Bolivia", schema=True, json=True,
    ),
    Family(
        "TC", ("bcb",), "Tipo de cambio oficial diario, primer trimestre {period}",
        "Tipo de cambio oficial del boliviano respecto del dólar estadounidense, compra y venta, "
        "por día hábil.",
        ("economia",), ("tipo de cambio", "dólar", "boliviano"), "DAILY",
        lambda rng, ctx: build(rng, [days(date(ctx.period.first, 1, 1),
                                           ctx.period.end)], [
            Measure(Column("compra_bs", "Compra", "number", unit="Bs por USD", minimum=0),
                    6.86, noise=0, kind="level", decimals=2),
            Measure(Column("venta_bs", "Venta", "number", unit="Bs por USD", minimum=0),
                    6.96, noise=0, kind="level", decimals=2),
        ]),
        (Period(2024, 2024, 3), Period(2025, 2025, 3)), "Banco Central de Bolivia", schema=True,
        json=True, license_id="CC0-1.0",
    ),
    Family(
        "DJBR", ("contraloria",), "Declaraciones juradas de bienes y rentas presentadas {period}",
        "Declaraciones juradas de bienes y rentas presentadas por servidores públicos, por mes y "
        "motivo.",
        ("justicia", "gobierno"), ("declaración jurada", "bienes y rentas", "control"),
        "MONTHLY",
        per_category("motivo", "Motivo", (
            ("Inicio de funciones", 1.0), ("Actualización periódica", 2.0),
            ("Cese de funciones", 0.8),
        ), count("declaraciones", "Declaraciones presentadas", 3_800, 0.02), monthly=True),
        each_year(2024, 2025), "Contraloría General del Estado", private=(1,),
    ),
    Family(
        "AUD", ("contraloria",), "Informes de auditoría emitidos por tipo {period}",
        "Informes de auditoría externa emitidos por las gerencias departamentales, por tipo de "
        "auditoría.",
        ("justicia", "gobierno"), ("auditoría", "control gubernamental"), "ANNUAL",
        per_category("tipo_auditoria", "Tipo de auditoría", (
            ("Confiabilidad", 1.0), ("Operacional", 0.6), ("Especial", 2.2), ("Ambiental", 0.3),
        ), count("informes", "Informes emitidos", 16, 0.02, noise=0.35), by_department=True),
        each_year(2022, 2025), "Contraloría General del Estado", schema=True,
    ),
    Family(
        "PROC", ("procuraduria",), "Procesos con participación del Estado por materia {period}",
        "Procesos judiciales, administrativos y arbitrales en los que interviene la Procuraduría, "
        "por departamento y materia.",
        ("justicia",), ("defensa legal del estado", "procesos judiciales", "arbitraje"),
        "ANNUAL",
        per_category("materia", "Materia", (
            ("Civil", 1.0), ("Penal", 1.6), ("Laboral", 0.7), ("Contencioso administrativo", 0.9),
            ("Arbitraje", 0.1), ("Constitucional", 0.5),
        ), count("procesos", "Procesos en seguimiento", 53, 0.03, noise=0.3), by_department=True),
        each_year(2024, 2025), "Procuraduría General del Estado",
    ),
    Family(
        "DP", ("defensoria",), "Casos atendidos por la Defensoría del Pueblo por departamento "
        "{period}",
        "Casos de presunta vulneración de derechos humanos atendidos, por departamento y grupo "
        "de población.",
        ("justicia",), ("derechos humanos", "casos atendidos", "defensoría"), "ANNUAL",
        per_category("grupo_poblacion", "Grupo de población", (
            ("Mujeres", 1.2), ("Niñas, niños y adolescentes", 0.9), ("Personas adultas mayores",
                                                                     0.6),
            ("Personas con discapacidad", 0.4), ("Pueblos indígenas", 0.3), ("Población en general",
                                                                             1.8),
        ), count("casos", "Casos atendidos", 260, 0.03), by_department=True),
        each_year(2023, 2025), "Defensoría del Pueblo", schema=True, json=True,
    ),
]

# --- budgets of every publisher ---------------------------------------------------------------

FAMILIES += [
    Family(
        "EP", BUDGET_CENTRAL, "Ejecución presupuestaria {of} {period}",
        "Presupuesto inicial, vigente y ejecución devengada {of}, por programa y fuente de "
        "financiamiento.",
        ("economia", "gobierno"), ("presupuesto", "ejecución presupuestaria", "sigep"), "ANNUAL",
        reg.budget, each_year(2024, 2025), "Sistema de Gestión Pública (SIGEP)", schema=True,
        json=True, drafts=(5,), damage={7: "constraint-error"},
    ),
    Family(
        "EP", BUDGET_TERRITORIAL, "Ejecución presupuestaria {of} {period}",
        "Presupuesto inicial, vigente y ejecución devengada {of}, por programa y fuente de "
        "financiamiento.",
        ("economia", "regiones"), ("presupuesto", "ejecución presupuestaria"), "ANNUAL",
        reg.budget, each_year(2024, 2025), "Sistema de Gestión Pública (SIGEP)", schema=True,
        national=False,
    ),
]

# --- territorial governments and universities -------------------------------------------------

FAMILIES += [
    Family(
        "IPD", GADS, "Proyectos de inversión departamental por provincia: {place} {period}",
        "Proyectos de inversión ejecutados {of}, por provincia: número de proyectos y monto "
        "ejecutado.",
        ("regiones", "economia"), ("inversión departamental", "proyectos", "provincias"),
        "ANNUAL",
        per_area(count("proyectos", "Proyectos en ejecución", 5, 0.02, noise=0.3),
                 amount("ejecutado_bs", "Monto ejecutado", 6e6, 0.03, noise=0.3),
                 category=("sector", "Sector", (("Infraestructura vial", 1.4), ("Salud", 0.8),
                                                ("Productivo", 0.8)))),
        each_year(2024, 2025), national=False, schema=True, json=True,
        damage={5: "missing-cell"},
    ),
    Family(
        "ES", GADS, "Establecimientos de salud por provincia y nivel de atención: {place} {period}",
        "Establecimientos de salud públicos registrados por el Servicio Departamental de Salud "
        "(SEDES), por provincia y nivel de atención.",
        ("salud", "regiones"), ("establecimientos de salud", "sedes", "red de salud"), "ANNUAL",
        per_area(count("establecimientos", "Establecimientos", 18, 0.01, noise=0.3),
                 category=("nivel_atencion", "Nivel de atención", (
                     ("Primer nivel", 1.0), ("Segundo nivel", 0.08), ("Tercer nivel", 0.02)))),
        (Period(2025, 2025),), "Servicio Departamental de Salud (SEDES)", national=False,
        schema=True, json=True,
    ),
    Family(
        "RVD", GADS, "Red vial departamental de {place} por provincia {period}",
        "Longitud de la red vial departamental por provincia y tipo de superficie.",
        ("transporte", "regiones"), ("red vial departamental", "caminos"), "ANNUAL",
        per_area(amount("longitud_km", "Longitud", 110, 0.01, "km", decimals=1, noise=0.3),
                 category=("superficie", "Superficie", (("Pavimento", 0.3), ("Ripio", 1.0),
                                                        ("Tierra", 0.8)))),
        (Period(2025, 2025),), "Servicio Departamental de Caminos (SEDCAM)", national=False,
    ),
    Family(
        "VIG", GADS,
        "Casos de dengue, chikungunya y zika por semana epidemiológica: {place} {period}",
        "Casos notificados de dengue, chikungunya y zika por semana, según la vigilancia "
        "epidemiológica departamental.",
        ("salud",), ("dengue", "vigilancia epidemiológica", "chikungunya", "zika"), "WEEKLY",
        per_week(count("dengue", "Casos de dengue", 97, 0.1, noise=0.5),
                 count("chikungunya", "Casos de chikungunya", 14, 0, noise=0.6),
                 count("zika", "Casos de zika", 3, -0.1, noise=0.7),
                 seasonality=RAIN_SEASON),
        each_year(2024, 2025), "Servicio Departamental de Salud (SEDES)", national=False,
        json=True,
    ),
    Family(
        "RECMUN", GAMS, "Recaudación de impuestos municipales de {place} por mes {period}",
        "Recaudación de tributos municipales por mes: impuesto a la propiedad de bienes "
        "inmuebles y vehículos, transferencias y patentes.",
        ("economia", "regiones"), ("impuestos municipales", "recaudación", "patentes"),
        "MONTHLY",
        per_category("tributo", "Tributo", (
            ("Impuesto a la propiedad de bienes inmuebles", 2.0),
            ("Impuesto a la propiedad de vehículos automotores", 1.2),
            ("Impuesto municipal a las transferencias", 0.6), ("Patentes y tasas", 0.5),
        ), amount("recaudacion_bs", "Recaudación", 14e6, 0.04), monthly=True,
            seasonality=REVENUE_SEASON),
        each_year(2024, 2025), national=False, schema=True, json=True,
    ),
    Family(
        "LIC", GAMS, "Licencias de funcionamiento otorgadas por distrito: {place} {period}",
        "Licencias de funcionamiento de actividades económicas otorgadas, por distrito y rubro.",
        ("economia", "regiones"), ("licencias de funcionamiento", "actividades económicas"),
        "ANNUAL",
        per_area(count("licencias", "Licencias otorgadas", 160, 0.03, noise=0.3),
                 category=("rubro", "Rubro", (("Comercio", 2.0), ("Servicios", 1.2),
                                              ("Alimentos y bebidas", 0.8),
                                              ("Industria y manufactura", 0.3)))),
        (Period(2025, 2025),), national=False, schema=True,
    ),
    Family(
        "RSU", GAMS, "Residuos sólidos recolectados por mes y distrito en {place} {period}",
        "Toneladas de residuos sólidos urbanos recolectadas por mes y distrito.",
        ("medio-ambiente", "regiones"), ("residuos sólidos", "aseo urbano", "relleno sanitario"),
        "MONTHLY",
        per_area(amount("toneladas", "Residuos recolectados", 1_700, 0.02, "t", decimals=1,
                        noise=0.05), monthly=True),
        each_year(2024, 2025), national=False, json=True, license_id="ODC-BY-1.0",
    ),
    Family(
        "OBRAS", GAMS, "Obras municipales en ejecución por distrito: {place} {period}",
        "Obras de infraestructura en ejecución por distrito: número de obras, monto contratado y "
        "avance físico promedio.",
        ("regiones",), ("obras públicas", "infraestructura urbana", "distritos"), "QUARTERLY",
        per_area(count("obras", "Obras en ejecución", 3, 0.02, noise=0.35),
                 amount("monto_contratado_bs", "Monto contratado", 9e6, 0.03, noise=0.4),
                 rate("avance_fisico_pct", "Avance físico promedio", 55, 0, noise=0.3),
                 category=("tipo_obra", "Tipo de obra", (
                     ("Vías y pavimentación", 1.5), ("Drenaje pluvial", 0.8),
                     ("Equipamiento urbano", 1.0), ("Infraestructura educativa y de salud", 0.7)))),
        (Period(2025, 2025),), national=False, schema=True, json=True,
    ),
    Family(
        "POB-ZONA", ("charagua-iyambae",), "Población por zona de la Autonomía Guaraní Charagua "
        "Iyambae {period}",
        "Población empadronada en el Censo 2024 en cada una de las seis zonas de la autonomía, "
        "por grupo de edad.",
        ("poblacion", "regiones"), ("charagua iyambae", "autonomía indígena", "guaraní",
                                    "censo"), "NEVER",
        per_area(count("poblacion", "Población", 1_200, 0, "personas", noise=0.3),
                 category=("grupo_edad", "Grupo de edad", (
                     ("0 a 14 años", 1.7), ("15 a 29 años", 1.3), ("30 a 44 años", 0.9),
                     ("45 a 64 años", 0.7), ("65 años o más", 0.4)))),
        (Period(2024, 2024),), "Censo de Población y Vivienda 2024", national=False,
        language=("es", "gn"), schema=True, json=True,
    ),
    Family(
        "OBRAS-Z", ("charagua-iyambae", "gam-combaya"),
        "Proyectos ejecutados por zona: {place} {period}",
        "Proyectos de inversión ejecutados {of} por zona o distrito.",
        ("regiones",), ("proyectos", "inversión"), "ANNUAL",
        per_area(count("proyectos", "Proyectos", 1, 0, noise=0.5),
                 amount("monto_bs", "Monto ejecutado", 0.3e6, 0.03, noise=0.4),
                 category=("tipo_proyecto", "Tipo de proyecto", (
                     "Agua y saneamiento", "Caminos", "Educación", "Salud", "Producción"))),
        (Period(2021, 2025),), national=False,
    ),
    Family(
        "MATU", UNIVERSITIES, "Matrícula estudiantil por facultad {of} {period}",
        "Estudiantes matriculados en programas de grado, por facultad y sexo.",
        ("educacion",), ("educación superior", "matrícula universitaria", "universidad"),
        "ANNUAL",
        reg.per_faculty(count("matriculados", "Estudiantes matriculados", 2_300, 0.02),
                        second=("sexo", "Sexo", ("Mujer", "Hombre"))),
        each_year(2022, 2025), national=False, schema=True, json=True,
        damage={1: "primary-key"},
    ),
    Family(
        "TIT", UNIVERSITIES, "Titulados por facultad {of} {period}",
        "Titulados de licenciatura y técnico superior por facultad.",
        ("educacion",), ("titulados", "educación superior", "universidad"), "ANNUAL",
        reg.per_faculty(count("titulados", "Titulados", 210, 0.02, noise=0.2),
                        second=("grado", "Grado académico", (("Licenciatura", 1.0),
                                                              ("Técnico superior", 0.2)))),
        each_year(2023, 2025), national=False,
    ),
    Family(
        "INV", UNIVERSITIES, "Proyectos de investigación por facultad {of} {period}",
        "Proyectos de investigación vigentes por facultad y fuente de financiamiento.",
        ("educacion", "ciencia-tecnologia"), ("investigación", "ciencia", "universidad"),
        "ANNUAL",
        reg.per_faculty(count("proyectos", "Proyectos vigentes", 9, 0, noise=0.5),
                        second=("fuente", "Fuente de financiamiento", (
                            ("Recursos propios", 1.0), ("IDH", 1.2),
                            ("Cooperación internacional", 0.5)))),
        (Period(2025, 2025),), national=False, license_id="CC-BY-SA-4.0",
    ),
]
