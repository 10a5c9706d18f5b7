#!/usr/bin/env python3
"""Families of a Semarang kelurahan as a DTKS-shaped sheet for `field import csv`: one row per
person, realistic enough for size and compression figures to mean something. Indonesian given
and family names (Javanese for the most part), street names of Semarang, RT/RW, No. KK and NIK
with the real kecamatan codes of Kota Semarang (33.74.01 to 33.74.16, a NIK keeps the kecamatan
where it was issued), birth dates in the NIK (day + 40 for women), unique serials, couples and
their children with plausible ages, and a share of DTKS ids and phone numbers.

    generate-families.py HOUSEHOLDS [SEED] > families.csv
"""
import csv
import random
import sys

households = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 2026)

MEN = ("Agus Budi Bambang Dedi Eko Fajar Hadi Hendra Imam Joko Kurniawan Lukman Muhammad Nur Purnomo "
       "Rudi Slamet Sugeng Supriyadi Teguh Wahyu Yusuf Ahmad Ari Dwi Edi Gunawan Heru Iwan Sutrisno "
       "Suparman Sukardi Rahmat Andi Bayu Dimas Rizky Fikri Galih Yoga").split()
WOMEN = ("Siti Sri Dewi Endang Lestari Nur Rina Wahyuni Ratna Yuliana Susanti Tri Sumarni Suharti Rahayu "
         "Ani Eka Fitri Indah Kartika Lina Maya Nanik Puji Retno Sari Tutik Umi Wulan Yanti Ayu Dian "
         "Nining Suryani Kusmiyati Murni Partini Sulastri").split()
FAMILY = ("Santoso Wibowo Susilo Prasetyo Setiawan Hidayat Saputra Nugroho Kurniawati Lestari Wijaya "
          "Purnamasari Handayani Suryadi Rahmawati Kusuma Hartono Sutanto Widodo Utomo Haryanto Subagyo "
          "Sulistyo Rahayu Pratama Wardani Ningsih Yulianto Firmansyah Maulana").split()
STREETS = ("Jl. Durian Raya|Jl. Setiabudi|Jl. Sukun Raya|Jl. Jambu|Jl. Tusam Raya|Jl. Pudak Payung|"
           "Jl. Srondol Asri|Jl. Perintis Kemerdekaan|Jl. Karangrejo|Jl. Bukit Sari|Jl. Ngesrep Timur|"
           "Jl. Banyumanik Raya|Jl. Mulawarman|Jl. Tirto Agung|Jl. Kanfer Raya|Jl. Gedawang|Jl. Meranti Raya|"
           "Jl. Tusam Timur|Jl. Jati Raya|Jl. Rambutan").split("|")
KECAMATAN = [f"{code:02d}" for code in range(1, 17)]
used_nik: set[str] = set()
used_kk: set[str] = set()


def date(year: int) -> tuple[int, int, int]:
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    return year, month, day


def nik(sex: str, born: tuple[int, int, int]) -> str:
    year, month, day = born
    while True:
        number = (f"3374{rng.choice(KECAMATAN)}{day + (40 if sex == 'P' else 0):02d}{month:02d}{year % 100:02d}"
                  f"{rng.randint(1, 9999):04d}")
        if number not in used_nik:
            used_nik.add(number)
            return number


def kk() -> str:
    while True:
        year, month, day = date(rng.randint(2005, 2025))
        number = f"337411{day:02d}{month:02d}{year % 100:02d}{rng.randint(1, 9999):04d}"
        if number not in used_kk:
            used_kk.add(number)
            return number


def phone() -> str:
    return "08" + rng.choice(["12", "13", "21", "22", "52", "56", "57", "77", "78", "95", "96"]) + "".join(
        str(rng.randint(0, 9)) for _ in range(rng.randint(7, 8)))


writer = csv.writer(sys.stdout)
writer.writerow(["no_kk", "alamat", "rt", "rw", "kelurahan", "id_dtks_keluarga", "telepon_keluarga",
                 "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan", "telepon"])
for _ in range(households):
    family = rng.choice(FAMILY)
    head_year = rng.randint(1958, 1998)
    wife_year = min(2004, head_year + rng.randint(-3, 8))
    members = [("L", f"{rng.choice(MEN)} {family}", date(head_year), "kepala"),
               ("P", f"{rng.choice(WOMEN)} {rng.choice(FAMILY)}", date(wife_year), "istri")]
    for _ in range(2):
        sex = rng.choice("LP")
        born = date(min(2025, wife_year + rng.randint(19, 35)))
        members.append((sex, f"{rng.choice(MEN if sex == 'L' else WOMEN)} {family}", born, "anak"))
    household = [kk(), f"{rng.choice(STREETS)} No. {rng.randint(1, 180)}", f"{rng.randint(1, 12):03d}",
                 f"{rng.randint(1, 8):03d}", "Srondol Kulon",
                 f"3374111006{rng.randint(100000, 999999)}" if rng.random() < 0.3 else "",
                 phone() if rng.random() < 0.5 else ""]
    for sex, name, (year, month, day), relation in members:
        writer.writerow(household + [nik(sex, (year, month, day)), name, sex, f"{year:04d}-{month:02d}-{day:02d}", relation,
                                     phone() if relation == "kepala" and rng.random() < 0.4 else ""])
