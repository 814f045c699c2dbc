"""Write essays/metadata.csv."""
import csv

NOTE = "synthetic test essay written for validation; not a real publication. "
ROWS = [
    ("juarez-2023.txt", "Verónica Ledezma Quiñones", "What Eleven Years of Exit Interviews Taught Me About the Border",
     "Frontera Norte Review", "2023-09-25",
     NOTE + "Front matter: photo credit, title, byline. Back matter: author bio; translation note and disclaimer."),
    ("avocado-2024.txt", "Rigoberto Anaya Cervantes", "A Packer's Letter to Two New Presidents",
     "La Voz de la Meseta", "2024-11-20",
     NOTE + "Front matter: title, one-sentence subtitle, byline. Back matter: author bio; translation note and disclaimer."),
    ("guadalajara-2025.txt", "Ming-Hsuan Tsai", "Guadalajara Is Not a Loophole", "Occidente Económico", "2025-05-19",
     NOTE + "Front matter: photo credit, title, byline. Five short section headings. Back matter: author bio; disclaimer."),
    ("hatch-2026.txt", "Arnold Tafoya", "A Chile Grower's Border Ledger", "Mesilla Valley Dispatch", "2026-02-09",
     NOTE + "Front matter: photo credit, title, byline. Back matter: author bio; disclaimer."),
]
with open('/work/sealed/test22/essays/metadata.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['file', 'author', 'title', 'venue', 'date', 'url', 'notes'])
    for file, author, title, venue, date, notes in ROWS:
        w.writerow([file, author, title, venue, date, '', notes])
print(len(ROWS), 'rows')
