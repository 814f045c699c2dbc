import csv
rows = [
 ("mezcal-2023.txt", "Eufemia Martínez Cruz", "What a Bottle of Mezcal Knows About the Border", "Voces del Valle (Oaxaca)", "2023-10-16",
  "front matter: photo credit, title, subtitle, byline, dateline; back matter: author bio, translation note and disclaimer"),
 ("ensenada-2024.txt", "Daniel Shubin Rodríguez", "Wine, Water and the Woman Who Will Govern Us", "Frontera Pacífica Review", "2024-06-12",
  "front matter: title, byline, dateline; back matter: author bio, disclaimer"),
 ("copper-2025.txt", "Wade Hollister", "Copper Has a Border Problem", "Southwest Minerals Ledger", "2025-08-18",
  "front matter: photo credit, title, byline, dateline; three section headings in capitals; back matter: author bio, disclaimer"),
 ("interpreter-2026.txt", "Graciela Treviño Ochoa", "I Translate Removal Orders, and I Believe in Them", "Gulf Coast Commentary", "2026-03-09",
  "front matter: title, subtitle, byline, dateline; back matter: author bio, disclaimer"),
]
with open("essays/metadata.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file","author","title","venue","date","url","notes"])
    for file, author, title, venue, date, matter in rows:
        w.writerow([file, author, title, venue, date, "", "synthetic test essay written for validation; not a real publication; " + matter])
