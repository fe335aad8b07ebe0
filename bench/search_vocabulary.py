"""A Spanish vocabulary for the search benchmark: the words of public administration and statistics.

Real lemmas, expanded with their regular inflections (plural nouns, the four forms of adjectives),
plus Bolivian place names and the function words any Spanish text is full of. Ranked in a fixed
pseudo-random order, so the Zipf-like frequency of the benchmark falls on words of every kind.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


NOUNS = _words("""
abastecimiento acceso accidente acción actividad acuerdo administración aduana adulto aeropuerto
agencia agricultura agua alcaldía alimento alquiler alumno ambiente análisis animal año apoyo
aporte archivo área arte asamblea asistencia asociación atención auditoría autoridad avance
balance banco barrio base beneficiario beca biblioteca bien bosque bono brecha caja cálculo
calidad cámara camino campaña campo canal cantón capacidad capital carga carrera carretera carta
casa caso catastro causa censo centro certificado ciclo ciencia ciudad ciudadano clima cobertura
código cohorte colegio comercio comisión comunidad concejo concesión condición conflicto consumo
contrato control convenio cooperativa costo crecimiento crédito cultivo cultura cuenta cuota
dato decreto defensa déficit delito demanda densidad departamento deporte depósito derecho
desarrollo desastre descuento deuda diagnóstico diputado dirección discapacidad distrito
docente documento donación edificio educación efectivo egreso ejecución elección electricidad
emergencia empleo empresa encuesta energía enfermedad entidad entrada equipo escuela espacio
especie estación estadística estado estructura estudiante estudio evaluación evento examen
exportación extensión fábrica familia fecha feria financiamiento fiscalía fondo formación
frontera fuente función ganado gas gasto género gestión gobierno grado granja grupo guía
habitante hectárea herramienta hidrocarburo hogar hospital hoja importación impuesto incendio
índice indicador industria infraestructura ingreso inscripción institución instituto inventario
inversión investigación juez juzgado laboratorio lago lengua ley licencia licitación línea
llegada lluvia localidad lote madre maestro mapa mercado mes meta migración mina minería
ministerio modalidad moneda monto mortalidad movimiento mujer multa municipio muestra nacimiento
nación natalidad necesidad nivel niño norma nota nutrición obra oferta oficina operación
organización origen pago país parque participación partida patrimonio pensión periodo permiso
persona personal petróleo plan planta plataforma población pobreza política precio prensa
presupuesto préstamo prevención producción producto profesional programa proyecto provincia
proveedor prueba publicación pueblo puerto punto quinua rango recaudación recurso red región
registro regla relación remuneración renta reporte represa reserva residuo resultado riego
río riesgo ruta salario salud sector seguridad seguro semestre servicio sesión sistema
sociedad solicitud suelo sueldo superficie tarifa tasa técnico tecnología telefonía terreno
territorio tierra tipo trabajador trabajo trámite transferencia transporte tribunal turismo
unidad universidad usuario valor vehículo venta víctima vivienda voto zona
""")

ADJECTIVES = _words("""
agrícola alto ambiental anual bajo básico central civil comunitario contable cultural
departamental digital económico educativo eléctrico electoral escolar estatal fiscal forestal
general hídrico histórico indígena industrial informal jurídico laboral local mensual minero
municipal nacional natural nuevo oficial originario pecuario pequeño periódico público regional
rural sanitario social técnico territorial total trimestral turístico universitario urbano
vial
""")

PLACES = _words("""
Bolivia Chuquisaca Sucre Potosí Oruro Tarija Beni Trinidad Pando Cobija Cochabamba Quillacollo
Sacaba Tiquipaya Montero Warnes Yacuiba Villazón Tupiza Uyuni Riberalta Guayaramerín Rurrenabaque
Copacabana Achacachi Viacha Caranavi Coroico Camiri Bermejo Punata Cliza Llallagua Huanuni
Challapata Samaipata Concepción Vallegrande Yungas Chapare Altiplano Chaco Amazonía Titicaca
Pilcomayo Mamoré Desaguadero Sorata Tarabuco Monteagudo Aiquile Cotagaita Villamontes
""")

FUNCTION_WORDS = _words("""
de la el en y los del las por para con a que se al una un su sus como más o entre sobre
según durante desde hasta sin este esta estos cada otros
""")


def _plural(noun: str) -> str:
    if noun[-1] in "aeiouáéó":
        return noun + "s"
    if noun.endswith("z"):
        return noun[:-1] + "ces"
    if noun.endswith("ión"):
        return noun[:-3] + "iones"
    if noun.endswith("s"):
        return noun
    return noun + "es"


def _adjective_forms(adjective: str) -> list[str]:
    if adjective.endswith("o"):
        stem = adjective[:-1]
        return [adjective, stem + "a", stem + "os", stem + "as"]
    return [adjective, _plural(adjective)]


def content_words() -> list[str]:
    """Every content word form, in a fixed pseudo-random rank order (rank 0 is most frequent):
    the real words first, then compounds for the long tail."""
    forms: list[str] = []
    for noun in NOUNS:
        forms += [noun, _plural(noun)]
    for adjective in ADJECTIVES:
        forms += _adjective_forms(adjective)
    forms += PLACES
    real = sorted(set(forms))
    random.Random(7).shuffle(real)
    # Compounds that read like words of the domain ("subsector", "cofinanciamiento"): the long tail.
    prefixes = ("sub", "co", "pre", "re", "inter", "auto", "micro", "macro", "multi", "post")
    compounds = sorted({p + noun for p in prefixes for noun in NOUNS[::2]} - set(real))
    random.Random(11).shuffle(compounds)
    return real + compounds
