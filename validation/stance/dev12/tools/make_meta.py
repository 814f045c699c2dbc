import csv
N = "synthetic development essay written for training; not a real publication"
rows = [
 ("legislator-2025.txt","Curtis Lambdin","Stop Paying Mexico to Lose the Drug War","2025-04",
  N+"; front matter: title line, byline, dateline; back matter: author bio"),
 ("radio-2024.txt","Rosalía Toledo Matus","The Isthmus Is Not for Sale","2024-03",
  N+"; front matter: photo credit, title line, one-sentence subtitle; back matter: author bio, translation note"),
 ("ice-2025.txt","Raymond Tolliver","Finish the Job at the Border","2025-10",
  N+"; front matter: title line, byline; back matter: author bio, views disclaimer"),
 ("broker-2026.txt","Héctor Garza Villarreal","The New Maquila Has an American Landlord","2026-01",
  N+"; front matter: title line, dateline; back matter: author bio"),
]
with open("essays/metadata.csv","w",newline="",encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file","author","title","venue","date","url","notes"])
    for fn,a,t,d,n in rows: w.writerow([fn,a,t,"",d,"",n])
