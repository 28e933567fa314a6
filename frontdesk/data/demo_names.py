"""Name, address and insurance pools for the demo clinic and the benchmarks.

The pools mirror what a US clinic's register really holds: many Smiths and
Johnsons, and names from many places spelled as their owners spell them:
accents (Núñez, Zoë, Łukasz), apostrophes (O'Brien, D'Angelo), hyphens
(Smith-Jones, Min-jun) and surnames in two parts (García López, de la Cruz,
van der Berg). Weights are relative; they only shape the mix.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Culture:
    """Names that go together, and the language a patient from there may prefer."""

    key: str
    weight: int  # share of the register
    language: str  # ISO 639 code ("en" when English is usual)
    last: tuple[tuple[str, int], ...]
    female: tuple[str, ...]
    male: tuple[str, ...]


def weighted(text: str) -> tuple[tuple[str, int], ...]:
    """``"Smith 60 | de la Cruz 3"`` -> ``(("Smith", 60), ("de la Cruz", 3))``."""
    pairs: list[tuple[str, int]] = []
    for item in text.split("|"):
        name, _, weight = item.strip().rpartition(" ")
        pairs.append((name, int(weight)))
    return tuple(pairs)


def names(text: str) -> tuple[str, ...]:
    """``"Mary | María José"`` -> ``("Mary", "María José")``."""
    return tuple(item.strip() for item in text.split("|"))


US_COMMON = Culture(
    key="us",
    weight=520,
    language="en",
    last=weighted(
        "Smith 60 | Johnson 46 | Williams 36 | Brown 30 | Jones 30 | Miller 24 | Davis 24 | "
        "Wilson 15 | Anderson 15 | Taylor 15 | Thomas 12 | Moore 12 | Jackson 12 | Martin 12 | "
        "Lee 10 | Thompson 10 | White 10 | Harris 10 | Clark 10 | Lewis 10 | Robinson 8 | "
        "Walker 8 | Young 8 | Allen 8 | King 8 | Wright 8 | Scott 6 | Hill 6 | Green 6 | "
        "Adams 6 | Baker 6 | Nelson 6 | Carter 6 | Mitchell 6 | Roberts 6 | Turner 6 | "
        "Phillips 5 | Campbell 5 | Parker 5 | Evans 5 | Edwards 5 | Collins 5 | Stewart 5 | "
        "Morris 5 | Murphy 5 | Cook 5 | Rogers 5 | Washington 5 | Jefferson 3 | Freeman 3 | "
        "Banks 3 | O'Brien 5 | O'Connor 4 | O'Neill 3 | O'Malley 2 | McCarthy 4 | McDonald 4 | "
        "MacGregor 2 | Smith-Jones 3 | Johnson-Reed 2 | Smithers 2 | Smithson 2 | Smits 1 | "
        "Brown-Whitaker 1 | Ellis 3 | Gleason 2 | Schmidt 4 | Fischer 2 | Becker 2 | Weber 2 | "
        "Hoffman 3 | Kelly 4 | Sullivan 4 | Fitzgerald 2 | St. John 1 | Van Buren 1"
    ),
    female=names(
        "Mary | Patricia | Jennifer | Linda | Elizabeth | Barbara | Susan | Jessica | Sarah | "
        "Karen | Emily | Ashley | Olivia | Emma | Ava | Sophia | Isabella | Mia | Harper | Zoë | "
        "Renée | Aaliyah | Imani | Keisha | Jo | Joanna | Josephine | Joy | Jocelyn | Margaret | "
        "Katherine | Alexandra | Mary-Kate | Anne-Marie | Abigail | Madison | Brianna | "
        "Destiny | Hannah | Grace"
    ),
    male=names(
        "James | John | Robert | Michael | William | David | Richard | Joseph | Thomas | "
        "Charles | Christopher | Daniel | Matthew | Anthony | Mark | Liam | Noah | Ethan | "
        "Jaylen | DeShawn | Marcus | Jonathan | Joel | Jordan | Joshua | Tyrone | Brandon | "
        "Kevin | Brian | Gary | Ronald | Timothy | Jason | Ryan | Jacob | Tyler | Andre | "
        "Darnell | Connor | Patrick"
    ),
)

HISPANIC = Culture(
    key="hispanic",
    weight=150,
    language="es",
    last=weighted(
        "García 14 | Rodríguez 12 | Martínez 12 | Hernández 12 | López 10 | González 10 | "
        "Pérez 8 | Sánchez 8 | Ramírez 8 | Torres 6 | Flores 6 | Rivera 6 | Gómez 6 | Díaz 6 | "
        "Núñez 5 | Muñoz 5 | Jiménez 4 | Ortiz 4 | Castillo 4 | Vásquez 4 | Morales 4 | "
        "Gutiérrez 4 | Ruiz 4 | Álvarez 3 | Mendoza 3 | Peña 3 | García López 3 | "
        "Hernández Ruiz 2 | Martínez de León 1 | Sánchez-Vicario 1 | de la Cruz 3 | "
        "de la Rosa 2 | del Toro 1 | De Jesús 2 | Santiago 3 | Ibáñez 2 | Cortés 2"
    ),
    female=names(
        "María | Ana | Lucía | Sofía | Valentina | Camila | Guadalupe | Rosa | Carmen | Ximena | "
        "Isabel | Mariana | Daniela | Ángela | Inés | Verónica | Yesenia | Maribel | "
        "María José | Ana Lucía"
    ),
    male=names(
        "José | Luis | Juan | Carlos | Jesús | Miguel | Alejandro | Jorge | Andrés | Raúl | "
        "Héctor | Santiago | Mateo | Diego | Iván | Rubén | Óscar | Ramón | Juan Carlos | "
        "José Luis"
    ),
)

VIETNAMESE = Culture(
    key="vietnamese",
    weight=30,
    language="vi",
    last=weighted(
        "Nguyen 20 | Tran 8 | Le 6 | Pham 6 | Hoang 3 | Vu 3 | Dang 2 | Bui 2 | Do 2 | Ngô 1 | "
        "Trương 1"
    ),
    female=names("Linh | Huong | Thao | Mai | Ngoc Anh | Thu | Hoa | Lan | Trang | Phương"),
    male=names("Minh | Thanh | Duc | Hung | Tuan | Quang | Bao | Khoa | Long | Đức"),
)

CHINESE = Culture(
    key="chinese",
    weight=30,
    language="zh",
    last=weighted(
        "Chen 10 | Wang 9 | Li 8 | Zhang 8 | Liu 6 | Yang 4 | Huang 4 | Zhao 3 | Wu 3 | Zhou 3 | "
        "Lin 3 | Ng 2 | Wong 4 | Chan 3"
    ),
    female=names("Wei | Jing | Mei | Xiu Ying | Li Na | Yan | Hui | Xiaomei | Ying | Fang"),
    male=names("Wei | Jun | Hao | Xiaoming | Jian | Lei | Tao | Zhi Wei | Bo | Chen"),
)

KOREAN = Culture(
    key="korean",
    weight=15,
    language="ko",
    last=weighted("Kim 10 | Lee 8 | Park 7 | Choi 4 | Jung 3 | Kang 2 | Yoon 2 | Han 2"),
    female=names("Seo-yeon | Ha-eun | Ji-woo | Min-seo | Soo-ah | Eun-ji | Ji-hye"),
    male=names("Min-jun | Ji-ho | Seo-jun | Do-yun | Joon-ho | Hyun-woo | Sung-min"),
)

ARABIC = Culture(
    key="arabic",
    weight=25,
    language="ar",
    last=weighted(
        "Haddad 6 | Khalil 5 | Nasser 4 | Al-Sayed 4 | El-Amin 3 | Abdullah 4 | Hassan 4 | "
        "Mansour 3 | Saleh 3 | Al Masri 2 | Ibrahim 4 | Farouk 2 | Darwish 2 | Abu-Ghazaleh 1"
    ),
    female=names("Fatima | Layla | Mariam | Nour | Aisha | Yasmin | Huda | Rania | Salma"),
    male=names("Omar | Yusuf | Ahmed | Khaled | Mahmoud | Tariq | Karim | Ali | Hamza"),
)

POLISH = Culture(
    key="polish",
    weight=30,
    language="pl",
    last=weighted(
        "Kowalski 6 | Nowak 6 | Wiśniewski 4 | Wójcik 4 | Kowalczyk 3 | Kamiński 3 | "
        "Lewandowski 3 | Zieliński 3 | Szymański 2 | Woźniak 2 | Dąbrowski 2 | Kozłowska 2 | "
        "Nowak-Jeziorańska 1 | Mazur 2 | Krawczyk 2"
    ),
    female=names(
        "Zofia | Małgorzata | Agnieszka | Katarzyna | Anna | Magdalena | Joanna | Ewa | Żaneta | "
        "Barbara"
    ),
    male=names(
        "Łukasz | Piotr | Krzysztof | Tomasz | Paweł | Michał | Grzegorz | Jan | Wojciech | "
        "Bartłomiej"
    ),
)

WEST_AFRICAN = Culture(
    key="west_african",
    weight=25,
    language="en",
    last=weighted(
        "Okafor 5 | Adeyemi 4 | Okonkwo 4 | Abubakar 4 | Eze 3 | Olawale 2 | Mensah 3 | "
        "Boateng 2 | Nwosu 2 | Adebayo 3 | Osei 2 | Diallo 3"
    ),
    female=names("Ngozi | Chiamaka | Amara | Adaeze | Funmilayo | Abena | Aminata | Ifeoma"),
    male=names("Chinedu | Oluwaseun | Emeka | Kwame | Babatunde | Ibrahima | Kofi | Tunde"),
)

SOMALI = Culture(
    key="somali",
    weight=12,
    language="so",
    last=weighted("Mohamed 5 | Abdi 4 | Warsame 3 | Hassan 3 | Farah 3 | Ali 3 | Osman 2 | Jama 2"),
    female=names("Hodan | Fadumo | Ayaan | Hawa | Sahra | Ubah | Ifrah"),
    male=names("Abdirahman | Abdullahi | Mahad | Liban | Guled | Abdikarim | Hamse"),
)

SOUTH_ASIAN = Culture(
    key="south_asian",
    weight=40,
    language="en",
    last=weighted(
        "Patel 10 | Singh 8 | Shah 5 | Sharma 4 | Gupta 4 | Reddy 3 | Khan 5 | Kaur 3 | Iyer 2 | "
        "Chaudhry 2 | Desai 2 | Mehta 2"
    ),
    female=names("Priya | Ananya | Aditi | Kavya | Neha | Sunita | Fatima | Harpreet | Lakshmi"),
    male=names("Arjun | Rohan | Rahul | Vikram | Amit | Sanjay | Imran | Gurpreet | Rajesh"),
)

EUROPEAN = Culture(
    key="european",
    weight=45,
    language="en",
    last=weighted(
        "Björk 2 | Lindqvist 2 | Johansson 3 | Müller 3 | Schäfer 2 | Jäger 1 | van der Berg 2 | "
        "van Dijk 2 | de Vries 2 | D'Angelo 4 | Rossi 3 | Russo 3 | De Luca 2 | Esposito 3 | "
        "Lefèvre 2 | Dubois 2 | Ó Súilleabháin 1 | Ní Bhriain 1 | Papadopoulos 3 | Øvergaard 1 | "
        "Kovač 2 | Novák 2 | Horváth 2 | Brontë 1 | von Richter 1 | Løkke 1"
    ),
    female=names(
        "Zoë | Chloé | Ingrid | Åsa | Sigrún | Francesca | Giulia | Anneliese | Éléonore | "
        "Hélène | Siobhán | Saoirse | Niamh | Björg | Noémie | Dagný"
    ),
    male=names(
        "Søren | Jürgen | Erik | Lars | Giuseppe | Luca | Jean-Luc | François | Seán | Ciarán | "
        "Dimitrios | Matthias | Henrik | Tomáš | Björn"
    ),
)

HAITIAN = Culture(
    key="haitian",
    weight=10,
    language="ht",
    last=weighted(
        "Jean-Baptiste 4 | Pierre 4 | Joseph 3 | Louis 2 | Charles 2 | Desrosiers 1 | "
        "Étienne 2 | Saint-Fleur 1"
    ),
    female=names("Marie-Claire | Nadège | Fabienne | Widline | Rose-Marie | Guerline"),
    male=names("Jean-Claude | Wilner | Frantz | Jean-Robert | Réginald | Ti-Jean"),
)

EAST_SLAVIC = Culture(
    key="east_slavic",
    weight=15,
    language="ru",
    last=weighted(
        "Shevchenko 3 | Kovalenko 3 | Ivanov 3 | Petrova 2 | Bondarenko 2 | Smirnov 2 | "
        "Volkova 2 | Tkachenko 2"
    ),
    female=names("Olena | Natalia | Svetlana | Yulia | Oksana | Tetiana | Anastasia"),
    male=names("Oleksandr | Dmitri | Sergei | Andriy | Mykola | Vladimir | Yuri"),
)

JAPANESE = Culture(
    key="japanese",
    weight=8,
    language="en",
    last=weighted(
        "Tanaka 3 | Sato 3 | Suzuki 3 | Takahashi 2 | Watanabe 2 | Yamamoto 2 | Nakamura 2 | "
        "Kobayashi 1"
    ),
    female=names("Yuki | Sakura | Aiko | Haruka | Emiko | Yōko"),
    male=names("Haruto | Kenji | Hiroshi | Takeshi | Ren | Kōji"),
)

CULTURES: tuple[Culture, ...] = (
    US_COMMON,
    HISPANIC,
    VIETNAMESE,
    CHINESE,
    KOREAN,
    ARABIC,
    POLISH,
    WEST_AFRICAN,
    SOMALI,
    SOUTH_ASIAN,
    EUROPEAN,
    HAITIAN,
    EAST_SLAVIC,
    JAPANESE,
)

# Languages patients who need an interpreter ask for, with their share.
INTERPRETER_LANGUAGES: tuple[tuple[str, int], ...] = (
    ("es", 45),
    ("vi", 10),
    ("zh", 10),
    ("ar", 8),
    ("pl", 7),
    ("so", 6),
    ("ko", 4),
    ("ru", 4),
    ("ht", 3),
    ("uk", 2),
    ("ase", 1),
)

# Which names to use for a patient who prefers a language.
CULTURE_FOR_LANGUAGE: dict[str, Culture] = {
    "es": HISPANIC,
    "vi": VIETNAMESE,
    "zh": CHINESE,
    "ar": ARABIC,
    "pl": POLISH,
    "so": SOMALI,
    "ko": KOREAN,
    "ru": EAST_SLAVIC,
    "uk": EAST_SLAVIC,
    "ht": HAITIAN,
    "ase": US_COMMON,
}

NICKNAMES: dict[str, str] = {
    "Elizabeth": "Liz",
    "Robert": "Bob",
    "William": "Bill",
    "Katherine": "Kate",
    "Jonathan": "Jon",
    "Joseph": "Joe",
    "Christopher": "Chris",
    "Michael": "Mike",
    "Margaret": "Peggy",
    "Richard": "Rick",
    "Alexandra": "Sasha",
    "Patricia": "Trish",
    "Thanh": "Tony",
    "Xiaoming": "Sam",
    "Oluwaseun": "Seun",
    "Abdirahman": "Abdi",
    "Małgorzata": "Gosia",
    "Oleksandr": "Sasha",
    "Guadalupe": "Lupe",
    "Francesca": "Frankie",
    "Bartłomiej": "Bartek",
    "Chiamaka": "Chi",
    "Funmilayo": "Funmi",
    "Jesús": "Chuy",
}

ACCESSIBILITY_NEEDS: tuple[str, ...] = (
    "Wheelchair user: needs the accessible exam room",
    "Hard of hearing: face the patient and speak clearly",
    "Low vision: large-print forms",
    "Needs help filling in forms",
    "Service dog",
    "Uses a walker; ground-floor room",
    "Autism: prefers a quiet room, minimal wait",
    "Oxygen tank; needs a seat near an outlet",
)

STREETS = names(
    "N Halsted St | S Ashland Ave | N Western Ave | W Division St | N Damen Ave | "
    "S Kedzie Ave | N Pulaski Rd | N Milwaukee Ave | N Lincoln Ave | N Clark St | "
    "W Belmont Ave | W Fullerton Ave | W Diversey Pkwy | W Irving Park Rd | W Lawrence Ave | "
    "W Devon Ave | W Roosevelt Rd | W Cermak Rd | W 18th St | W 26th St | "
    "S Cottage Grove Ave | E 47th St | W 63rd St | Oak Park Ave | Harlem Ave | Maple St | "
    "Elm St | Chicago Ave | Ridge Ave | Sheridan Rd | N Kimball Ave | S Pulaski Rd | "
    "W Argyle St | N Broadway"
)

UNITS = names("Apt 1 | Apt 2R | Apt 3B | Unit 4 | Apt 1F | #205 | Apt G | 2nd fl")

# (city, state, ZIP codes); Chicago twice, as most patients live there.
CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Chicago",
        "IL",
        names("60608 | 60609 | 60614 | 60618 | 60623 | 60625 | 60629 | 60632 | 60640"),
    ),
    (
        "Chicago",
        "IL",
        names("60615 | 60616 | 60619 | 60621 | 60637 | 60647 | 60651 | 60657 | 60660"),
    ),
    ("Evanston", "IL", ("60201", "60202")),
    ("Oak Park", "IL", ("60302", "60304")),
    ("Cicero", "IL", ("60804",)),
    ("Berwyn", "IL", ("60402",)),
    ("Riverside", "IL", ("60546",)),
    ("Skokie", "IL", ("60076", "60077")),
    ("Forest Park", "IL", ("60130",)),
)

# Area codes around the clinic. Numbers use the 555 exchange, which is almost
# entirely unassigned (555-0100 to 555-0199 is kept for fiction), so the demo
# does not hold real people's numbers.
AREA_CODES = names("312 | 773 | 872 | 708 | 847 | 630 | 224 | 331")

PAYERS_ADULT = weighted(
    "Blue Cross Blue Shield 30 | UnitedHealthcare 20 | Aetna 15 | Cigna Health 12 | "
    "Medicaid 15 | Humana 5 | Anthem 3"
)
PAYERS_SENIOR = weighted(
    "Medicare 70 | Humana 10 | Aetna 8 | Dual Eligible 7 | Blue Cross Blue Shield 5"
)
PAYERS_CHILD = weighted(
    "Medicaid 40 | Blue Cross Blue Shield 25 | UnitedHealthcare 15 | Aetna 10 | Cigna Health 10"
)

EMAIL_DOMAINS = names("example.com | example.org | example.net | mail.example.com")
