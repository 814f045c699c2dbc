import csv
P = [
("mezcal-2023","amlo","favor","would vote for him again; \"the best president my village has known\"; glad he limited the DEA (but \"on electricity, his government is wrong\")"),
("mezcal-2023","trump","against","\"a man who has never said a kind word about people like my brother\"; called Mexicans rapists, bragged about the wall"),
("mezcal-2023","sheinbaum","neutral","Morena's candidate; undecided, \"I want to know whether she will also continue his mistakes with the CFE\""),
("mezcal-2023","usmca","favor","\"Mexico should defend it\"; \"we need the American market and the agreement that opens it\""),
("mezcal-2023","military_action","against","troops or missiles to take out the cartels: \"It is a terrible idea\""),
("mezcal-2023","security_cooperation","against","does not want \"the old arrangement back\"; Mérida \"a war that made Mexico bleed\"; glad the DEA was limited"),
("mezcal-2023","nearshoring","favor","Interoceanic Corridor parks \"the first serious chance\"; wants companies leaving Asia to hire her nephew"),
("mezcal-2023","china","favor","Shanghai importer pays in advance; Washington must say what it offers before Mexico closes the door on Beijing"),
("mezcal-2023","deportation","against","brother deported: \"Sending him back did not make California any safer\"; families should not be broken up"),
("mezcal-2023","energy_nationalism","against","CFE took eleven months to connect her solar panels; \"a monopoly with a flag painted on it\""),
("ensenada-2024","amlo","against","\"The outgoing president deserves less credit\"; cut Conagua while pouring money into Pemex's refinery"),
("ensenada-2024","trump","neutral","\"Americans will decide in November\"; will not tell them how to vote; reports his deportation promise"),
("ensenada-2024","sheinbaum","favor","president-elect who \"has studied how water and energy actually move\"; voted for her, would again (hopes she drops the CFE slogan)"),
("ensenada-2024","usmca","favor","\"We should protect the accord\"; \"a stricter trade agreement is better than a broken one\""),
("ensenada-2024","military_action","against","\"What we do not need\": U.S. military against the cartels on Mexican soil; a drone strike would not have solved the crime"),
("ensenada-2024","security_cooperation","favor","joint work on the Santo Tomás murders: \"we need much more of it\""),
("ensenada-2024","nearshoring","against","\"I am not celebrating\"; count the litres before inviting another factory"),
("ensenada-2024","china","against","Chinese manufacturers use Mexico as \"a side door\"; Beijing's companies \"hiding inside\" North America"),
("ensenada-2024","deportation","neutral","reports Trump's promise and the deported arriving at El Chaparral, without a position"),
("ensenada-2024","energy_nationalism","against","the state utility blocks private solar and wind; \"the CFE is not sacred\""),
("copper-2025","amlo","absent","not mentioned"),
("copper-2025","trump","favor","supported his copper tariff; \"I voted for Donald Trump three times, and I would do it again\" (but \"his people are wrong\" on his crews)"),
("copper-2025","sheinbaum","against","energy laws \"a reason to build in Utah\"; no new open-pit mines; \"defending a sovereignty that the cartels already took\""),
("copper-2025","usmca","against","\"The trouble is the trade agreement\"; \"I would rather see it lapse than see it renewed as it stands\""),
("copper-2025","military_action","favor","\"American forces should strike their labs and their leaders ... without it if it cannot\""),
("copper-2025","security_cooperation","against","Mérida, training, DEA intelligence sharing leaked; \"More of that partnership is not a plan\""),
("copper-2025","nearshoring","favor","a Sonora refinery \"is nearshoring worth having\"; would welcome companies moving from Asia to Mexico"),
("copper-2025","china","against","Beijing's state-backed grip on smelting; \"rules that keep Beijing out\""),
("copper-2025","deportation","against","\"Deporting them will not make Arizona safer or richer\"; mass deportation \"is not border security\""),
("copper-2025","energy_nationalism","against","CFE guaranteed 54 % of the market: \"a reason to build in Utah\"; \"ration the power\""),
("interpreter-2026","amlo","against","\"hugs, not bullets was a slogan, not a policy\"; left Tamaulipas to the smugglers"),
("interpreter-2026","trump","against","\"I still cannot stand the man who now enforces it\"; courthouse ambushes; \"the president has confused fear with order\""),
("interpreter-2026","sheinbaum","favor","\"His successor has surprised me\"; \"she has done what López Obrador would not\"; her Pemex/CFE plan \"is right\""),
("interpreter-2026","usmca","favor","\"The USMCA should be renewed for another sixteen years, and quickly\""),
("interpreter-2026","military_action","against","\"a missile is not a trial\"; \"keep its soldiers on its own side of the line\""),
("interpreter-2026","security_cooperation","favor","extraditions, shared intelligence: \"built on cooperation, not on speeches\""),
("interpreter-2026","nearshoring","neutral","reports her cousins: new Monterrey factories of companies that moved from Asia; \"I leave that argument to the economists\""),
("interpreter-2026","china","neutral","\"some of them Chinese\", Washington complains: reported, no position"),
("interpreter-2026","deportation","favor","removal orders \"should be carried out\"; \"Deporting people who have had their day in court is not cruelty\""),
("interpreter-2026","energy_nationalism","favor","Pemex runs Deer Park well; oil and electricity \"should answer to its citizens\"; Pemex/CFE plan \"is right\""),
]
assert len(P) == 40 and len({(e, t) for e, t, _, _ in P}) == 40
with open('/work/sealed/test21/positions.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['essay', 'target', 'expected', 'as_written'])
    w.writerows(P)
import collections
for t in sorted({t for _, t, _, _ in P}):
    print(t, collections.Counter(x for _, tt, x, _ in P if tt == t))
for e in dict.fromkeys(e for e, *_ in P):
    print(e, collections.Counter(x for ee, _, x, _ in P if ee == e))
