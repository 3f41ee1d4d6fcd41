"""Invented-people building blocks: names by background, and London-shaped proportions.

Names are common ones from the communities that live in Hackney, combined at
random: no real child is described. Pools are tuples (ordered), so a seed always
picks the same names.
"""

from __future__ import annotations

# background -> girls' names, boys' names, family names: each a list of single words.
_POOLS: dict[str, tuple[str, str, str]] = {
    "english": (
        (
            "Amelia Olivia Isla Poppy Lily Grace Ella Evie Freya Ruby Sophie Chloe Jessica Millie "
            "Holly Megan Lauren Katie Daisy Phoebe Rosie Hannah Lucy Molly"
        ),
        (
            "Oliver Harry Jack George Charlie Thomas James Alfie Joshua William Samuel Daniel "
            "Ethan Max Jacob Lewis Ryan Callum Connor Tyler Kieran Jamie Reece Ben"
        ),
        (
            "Smith Jones Taylor Brown Wilson Evans Thomas Johnson Walker White Hughes Green Hall "
            "Wood Harris Clarke Cooper King Baker Turner Hill Ward Morris Mason Fletcher Barker "
            "Shaw Palmer Holmes Marsh"
        ),
    ),
    "irish": (
        "Aoife Siobhan Niamh Ciara Orla Roisin Saoirse Erin Caitlin Aisling Bridget Shannon",
        "Sean Liam Cian Conor Darragh Eoin Padraig Ronan Declan Niall Finn Kevin",
        (
            "Murphy Kelly O'Brien Byrne Ryan O'Connor Walsh McCarthy Doyle Gallagher Quinn "
            "Brennan Donovan Keane Ward Connors"
        ),
    ),
    "turkish": (
        "Elif Zeynep Ayse Melis Defne Ecrin Esra Selin Derya Berfin Rojda Dilan Nehir Asya",
        "Emre Mehmet Yusuf Kerem Baran Deniz Eren Can Serhat Ozan Rojhat Berat Mert Arda",
        (
            "Yilmaz Kaya Demir Sahin Celik Aydin Ozturk Arslan Dogan Kilic Aslan Cetin Kurt "
            "Ozdemir Polat Korkmaz"
        ),
    ),
    "jewish": (
        "Chana Rivka Miriam Esther Sarah Leah Devorah Malka Shira Faigy Tova Yocheved",
        "Moshe Yosef Avraham Shmuel Chaim Yaakov Dovid Mendel Eli Yitzchak Menachem Shlomo",
        (
            "Cohen Levy Friedman Katz Weiss Schwartz Gross Klein Stern Rosenberg Grunfeld Lerner "
            "Adler Halpern"
        ),
    ),
    "polish": (
        (
            "Zuzanna Julia Maja Zofia Hanna Lena Alicja Natalia Oliwia Wiktoria Ioana Andreea "
            "Elena Bianca"
        ),
        (
            "Jakub Kacper Filip Szymon Mateusz Bartosz Antoni Michal Andrei Mihai Stefan Luca "
            "Darius Tomas"
        ),
        (
            "Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski Popescu Ionescu "
            "Dumitru Stan Petrov Kazlauskas Horvath"
        ),
    ),
    "west_african": (
        (
            "Adaeze Chiamaka Amara Ife Temitope Folake Abena Ama Efua Zainab Blessing Precious "
            "Oluwaseun Nneka Adwoa Fatoumata"
        ),
        (
            "Chinedu Oluwatobi Kwame Kofi Tunde Emeka Femi Ayo David Samuel Daniel Joshua Kojo "
            "Ibrahim Segun Chidi"
        ),
        (
            "Okafor Adeyemi Mensah Boateng Osei Adebayo Okonkwo Eze Asante Ogunleye Balogun Owusu "
            "Nwosu Appiah Bangura Kamara Diallo Oladipo"
        ),
    ),
    "east_african": (
        "Hodan Amina Sagal Ayaan Fartun Hibo Saida Naima Selam Hanna Yordanos Ruth",
        "Abdi Mohamed Ahmed Hassan Yusuf Abdirahman Mustafa Dawit Yonas Samuel Bereket Kidane",
        (
            "Ali Hassan Warsame Farah Abdullahi Osman Jama Hersi Tesfaye Haile Gebremariam Bekele "
            "Mohamud Nur"
        ),
    ),
    "caribbean": (
        (
            "Tiana Shanice Jada Kayla Aaliyah Keisha Imani Nia Tia Leah Destiny Chantelle Jasmine "
            "Renee"
        ),
        (
            "Jaden Malachi Tyrese Marcus Andre Jermaine Kyle Isaiah Elijah Nathaniel Reuben "
            "Jordan Kai Dwayne"
        ),
        (
            "Campbell Williams Brown Francis Grant Henry Thompson Clarke Morgan Lewis Reid "
            "Samuels Gordon Bailey Richards Edwards Bennett Forbes"
        ),
    ),
    "bangladeshi": (
        ("Ayesha Fatima Sumaiya Tasnim Nusrat Sadia Maryam Rumana Jannat Sabrina Farzana Tahmina"),
        "Mohammed Abdul Rahim Shahid Tanvir Arif Imran Raihan Sami Nabil Rayhan Zakir",
        "Begum Miah Uddin Rahman Hussain Ahmed Islam Khatun Chowdhury Ali Hoque Akhtar",
    ),
    "pakistani": (
        "Aisha Hira Mahnoor Zara Iqra Anaya Sana Noor Alina Eman",
        "Hamza Bilal Usman Zain Ali Haris Ayaan Faisal Rayan Adam",
        "Khan Iqbal Malik Butt Qureshi Sheikh Raza Shah Mirza Chaudhry",
    ),
    "indian": (
        "Priya Ananya Diya Kavya Riya Simran Anjali Meera Nisha Isha",
        "Arjun Rohan Vikram Aarav Dev Karan Rahul Nikhil Sanjay Harpreet",
        "Patel Sharma Singh Kumar Shah Mistry Desai Gill Sandhu Kaur Joshi Mehta",
    ),
    "tamil": (
        "Tharshika Kavitha Nivetha Abinaya Sharmila Janani",
        "Kajan Thushan Niroshan Sujeevan Pirashanth Rathees",
        "Sivakumar Rajendran Selvarajah Thevarajah Kanagaratnam Sriskandarajah",
    ),
    "vietnamese": (
        "Linh Mai Huong Thao Trang Ngoc Anh Vy",
        "Minh Duc Huy Khoa Nam Long Bao Quang",
        "Nguyen Tran Le Pham Hoang Vu Dang Bui",
    ),
    "chinese": (
        "Mei Xinyi Yuxuan Jiayi Wen Lina Hui Ying",
        "Wei Jun Hao Jian Ming Yang Zhen Kai",
        "Wang Li Zhang Chen Liu Huang Wong Lam Cheung Ho",
    ),
    "latin": (
        "Valentina Camila Sofia Isabella Mariana Luciana Gabriela Daniela Ana Beatriz",
        "Mateo Santiago Sebastian Diego Thiago Gabriel Lucas Joao Rafael Bruno",
        (
            "Garcia Rodriguez Martinez Lopez Gonzalez Silva Santos Oliveira Pereira Restrepo "
            "Vargas Moreno"
        ),
    ),
    "arabic": (
        "Yasmin Layla Nour Salma Rania Hala Mariam Dina",
        "Omar Youssef Karim Khalid Tariq Samir Amir Nabil",
        "Haddad Mansour Nasser Saleh Hamdan Khalil Aziz Darwish",
    ),
}
NAME_POOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    background: (tuple(girls.split()), tuple(boys.split()), tuple(family.split()))
    for background, (girls, boys, family) in _POOLS.items()
}

# fmt: off

# DfE ethnicity codes among young people in a London borough like Hackney
# (rough, rounded proportions; REFU and NOBT are real categories too).
ETHNICITY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("WBRI", 0.19),
    ("WIRI", 0.01),
    ("WIRT", 0.005),
    ("WOTH", 0.20),
    ("WROM", 0.005),
    ("MWBC", 0.05),
    ("MWBA", 0.02),
    ("MWAS", 0.02),
    ("MOTH", 0.05),
    ("AIND", 0.02),
    ("APKN", 0.01),
    ("ABAN", 0.03),
    ("AOTH", 0.03),
    ("BCRB", 0.06),
    ("BAFR", 0.14),
    ("BOTH", 0.04),
    ("CHNE", 0.01),
    ("OOTH", 0.07),
    ("REFU", 0.02),
    ("NOBT", 0.02),
)

# ethnicity -> naming backgrounds (given name, family name) with weights.
# Mixed heritage picks the given name from one background and the family name from another.
ETHNICITY_BACKGROUNDS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "WBRI": (("english", "english", 1.0),),
    "WIRI": (("irish", "irish", 0.7), ("english", "irish", 0.3)),
    "WIRT": (("irish", "irish", 1.0),),
    "WOTH": (("turkish", "turkish", 0.30), ("jewish", "jewish", 0.35),
             ("polish", "polish", 0.25), ("english", "english", 0.10)),
    "WROM": (("polish", "polish", 1.0),),
    "MWBC": (("caribbean", "english", 0.5), ("english", "caribbean", 0.5)),
    "MWBA": (("west_african", "english", 0.5), ("english", "west_african", 0.5)),
    "MWAS": (("english", "bangladeshi", 0.3), ("indian", "english", 0.4),
             ("english", "indian", 0.3)),
    "MOTH": (("latin", "english", 0.3), ("english", "turkish", 0.3),
             ("caribbean", "latin", 0.2), ("arabic", "english", 0.2)),
    "AIND": (("indian", "indian", 1.0),),
    "APKN": (("pakistani", "pakistani", 1.0),),
    "ABAN": (("bangladeshi", "bangladeshi", 1.0),),
    "AOTH": (("tamil", "tamil", 0.5), ("vietnamese", "vietnamese", 0.5)),
    "BCRB": (("caribbean", "caribbean", 1.0),),
    "BAFR": (("west_african", "west_african", 0.7), ("east_african", "east_african", 0.3)),
    "BOTH": (("caribbean", "caribbean", 0.5), ("west_african", "caribbean", 0.5)),
    "CHNE": (("chinese", "chinese", 1.0),),
    "OOTH": (("turkish", "turkish", 0.5), ("latin", "latin", 0.3), ("arabic", "arabic", 0.2)),
    "REFU": (("english", "english", 0.4), ("west_african", "west_african", 0.3),
             ("turkish", "turkish", 0.3)),
    "NOBT": (("english", "english", 0.4), ("caribbean", "caribbean", 0.3),
             ("polish", "polish", 0.3)),
}

# Invented street names for invented addresses (real postcodes, invented doors).
STREETS: tuple[str, ...] = (
    "Alder Road", "Ashgrove Street", "Barnfield Road", "Beacon Walk", "Birchwood Street",
    "Bramble Lane", "Canal View Road", "Cedar Grove", "Chestnut Row", "Cloverdale Road",
    "Copperfield Street", "Cornmill Lane", "Dove Street", "Elmstead Road", "Fernhill Road",
    "Foxglove Street", "Gasworks Lane", "Granary Road", "Hawthorn Avenue", "Hazel Walk",
    "Heron Road", "Hollybush Street", "Juniper Road", "Kestrel Way", "Larkspur Road",
    "Laurel Street", "Lockkeeper Road", "Maple Walk", "Marshgate Street", "Millpond Road",
    "Nettlefield Road", "Nightjar Street", "Oakapple Road", "Orchard Row", "Osier Lane",
    "Plover Street", "Poplar Walk", "Quarry Road", "Reedbed Lane", "Riverbank Road",
    "Rookery Street", "Rowanberry Road", "Sandmartin Way", "Sedge Street", "Silverbirch Road",
    "Skylark Row", "Sorrel Street", "Tannery Lane", "Teasel Road", "Thistle Street",
    "Towpath Road", "Vine Lane", "Wagtail Street", "Weaver Road", "Wharfside Street",
    "Willowbrook Road", "Woodpecker Street", "Yarrow Lane",
)
BLOCKS: tuple[str, ...] = (
    "Alder House", "Beacon House", "Cedar Court", "Dove Court", "Elm Tower", "Fern House",
    "Heron Court", "Kestrel House", "Laurel Court", "Maple House", "Osier House",
    "Plover Court", "Reed House", "Sedge Court", "Teasel House", "Weaver Court",
)

# How unknown peers are described when a young person does not know their name.
UNKNOWN_PEER_LABELS: tuple[str, ...] = (
    "Older male known as 'T'",
    "Older boy on a moped",
    "Girl from another school, first name only",
    "Young man known as 'Shorty'",
    "Person she calls 'cuz' (not a relative)",
    "Online contact using a gaming name",
    "Older girl who introduced her to the group",
    "Boys from another borough",
    "Young man with a car, known as 'J'",
    "Contact met at the shopping centre",
    "Friend of an older brother",
    "Person known only by a social media handle",
)

# Words for memorable demo passwords (long and varied enough to pass the
# common-password check; the demo only listens on 127.0.0.1).
PASSWORD_WORDS: tuple[str, ...] = (
    "amber", "anchor", "apricot", "aspen", "badger", "basil", "beacon", "birch", "bramble",
    "breeze", "brook", "cactus", "canal", "candle", "canyon", "cedar", "cherry", "cinder",
    "clover", "comet", "copper", "coral", "cricket", "crimson", "crystal", "daisy", "dawn",
    "delta", "dune", "eagle", "ember", "fennel", "fern", "fjord", "flint", "forest", "fox",
    "garnet", "ginger", "glacier", "granite", "harbour", "hazel", "heron", "hollow", "honey",
    "indigo", "island", "ivory", "jasper", "juniper", "kestrel", "kettle", "lagoon", "lantern",
    "lark", "laurel", "lemon", "lilac", "linen", "lotus", "maple", "marble", "meadow",
    "mint", "moss", "nectar", "nutmeg", "oak", "ocean", "olive", "onyx", "orchid", "otter",
    "pebble", "pepper", "pine", "plover", "plum", "poppy", "quartz", "quill", "raven",
    "reed", "ridge", "river", "robin", "saffron", "sage", "salmon", "sparrow", "spruce",
    "thistle", "thunder", "timber", "topaz", "tulip", "valley", "velvet", "walnut", "willow",
    "winter", "wren", "yarrow", "zephyr",
)
# fmt: on
