"""The demo's names in Arabic, French and Spanish, keyed by the name as entered (English).

A reader of one of these languages sees the version given here; English readers, and any name
missing here, see the name as entered (`audit.orgs.names`).
"""

from __future__ import annotations

DEMO_NAMES: dict[str, dict[str, str]] = {
    # countries
    "Lebanon": {"ar": "لبنان", "fr": "Liban", "es": "Líbano"},
    "Iraq": {"ar": "العراق", "fr": "Irak", "es": "Irak"},
    "Nepal": {"ar": "نيبال", "fr": "Népal", "es": "Nepal"},
    # institutions
    "Internal Security Forces": {
        "ar": "قوى الأمن الداخلي",
        "fr": "Forces de sécurité intérieure",
        "es": "Fuerzas de Seguridad Interior",
    },
    "Lebanese Armed Forces": {
        "ar": "الجيش اللبناني",
        "fr": "Forces armées libanaises",
        "es": "Fuerzas Armadas Libanesas",
    },
    "Iraqi Police Service": {
        "ar": "الشرطة العراقية",
        "fr": "Police irakienne",
        "es": "Policía iraquí",
    },
    "Nepal Police": {"ar": "شرطة نيبال", "fr": "Police népalaise", "es": "Policía de Nepal"},
    "Nepali Army": {"ar": "الجيش النيبالي", "fr": "Armée népalaise", "es": "Ejército de Nepal"},
    # units
    "ISF General Directorate": {
        "ar": "المديرية العامة لقوى الأمن الداخلي",
        "fr": "Direction générale des FSI",
        "es": "Dirección General de las FSI",
    },
    "Beirut Police Region": {
        "ar": "منطقة شرطة بيروت",
        "fr": "Région de police de Beyrouth",
        "es": "Región policial de Beirut",
    },
    "Hobeich Police Station": {
        "ar": "مخفر حبيش",
        "fr": "Poste de police de Hobeich",
        "es": "Comisaría de Hobeich",
    },
    "Achrafieh Police Station": {
        "ar": "مخفر الأشرفية",
        "fr": "Poste de police d’Achrafieh",
        "es": "Comisaría de Achrafieh",
    },
    "ISF Academy, Warwar": {
        "ar": "معهد قوى الأمن الداخلي، الوروار",
        "fr": "Académie des FSI, Warwar",
        "es": "Academia de las FSI, Warwar",
    },
    "LAF Command, Yarzeh": {
        "ar": "قيادة الجيش، اليرزة",
        "fr": "Commandement de l’armée, Yarzé",
        "es": "Mando del Ejército, Yarzé",
    },
    "5th Infantry Brigade": {
        "ar": "لواء المشاة الخامس",
        "fr": "5e brigade d’infanterie",
        "es": "5.ª Brigada de Infantería",
    },
    "5th Brigade, 1st Battalion barracks": {
        "ar": "ثكنة الكتيبة الأولى، اللواء الخامس",
        "fr": "Caserne du 1er bataillon, 5e brigade",
        "es": "Cuartel del 1.er batallón, 5.ª brigada",
    },
    "Military Academy, Fayadieh": {
        "ar": "المدرسة الحربية، الفياضية",
        "fr": "École militaire, Fayadieh",
        "es": "Academia Militar, Fayadieh",
    },
    "Ministry of Interior Police Directorate": {
        "ar": "مديرية الشرطة في وزارة الداخلية",
        "fr": "Direction de la police du ministère de l’Intérieur",
        "es": "Dirección de Policía del Ministerio del Interior",
    },
    "Basra Police Directorate": {
        "ar": "مديرية شرطة البصرة",
        "fr": "Direction de la police de Bassora",
        "es": "Dirección de Policía de Basora",
    },
    "Al-Ashar Police Station": {
        "ar": "مركز شرطة العشار",
        "fr": "Commissariat d’Al-Ashar",
        "es": "Comisaría de Al-Ashar",
    },
    "Al-Zubair Police Station": {
        "ar": "مركز شرطة الزبير",
        "fr": "Commissariat d’Al-Zubair",
        "es": "Comisaría de Al-Zubair",
    },
    "Basra Family Protection Unit": {
        "ar": "وحدة حماية الأسرة في البصرة",
        "fr": "Unité de protection de la famille de Bassora",
        "es": "Unidad de Protección de la Familia de Basora",
    },
    "Police Headquarters, Naxal": {
        "ar": "مقر قيادة الشرطة، نكسال",
        "fr": "Quartier général de la police, Naxal",
        "es": "Cuartel General de la Policía, Naxal",
    },
    "Kathmandu Valley Police Office": {
        "ar": "مكتب شرطة وادي كاتماندو",
        "fr": "Bureau de police de la vallée de Katmandou",
        "es": "Oficina de Policía del Valle de Katmandú",
    },
    "Baneshwor Police Circle": {
        "ar": "دائرة شرطة بانيشور",
        "fr": "Circonscription de police de Baneshwor",
        "es": "Circunscripción policial de Baneshwor",
    },
    "Army Headquarters": {
        "ar": "مقر قيادة الجيش",
        "fr": "Quartier général de l’armée",
        "es": "Cuartel General del Ejército",
    },
    "Peacekeeping battalion (deploying)": {
        "ar": "كتيبة حفظ السلام (قيد الانتشار)",
        "fr": "Bataillon de maintien de la paix (en déploiement)",
        "es": "Batallón de mantenimiento de la paz (en despliegue)",
    },
    "Birendra Peace Operations Training Centre": {
        "ar": "مركز بيريندرا للتدريب على عمليات السلام",
        "fr": "Centre de formation aux opérations de paix Birendra",
        "es": "Centro de Entrenamiento para Operaciones de Paz Birendra",
    },
}
