"""Write positions.csv: the whole-essay position of each author on each target (judged by hand)."""
import csv

P = {
 'juarez-2023': [
  ('amlo', 'favor', '"Much of the difference is López Obrador\'s doing"; on the wage and outsourcing "the president was right" (but "here my praise for the president stops" on energy)'),
  ('trump', 'against', '"A man who treats the busiest land border in the world as a stage prop should not be put in charge of it again"'),
  ('sheinbaum', 'neutral', 'new Morena candidate: energy engineer vs. promise to continue the president\'s project; "I honestly do not know"'),
  ('usmca', 'favor', 'labour chapter: "the first time in my career that a worker\'s signature meant something"; hopes the 2026 review leaves it'),
  ('military_action', 'against', 'troops or drones "as if it were a plan"; "Bombing laboratories in Sinaloa would not make my workers\' buses any safer"'),
  ('security_cooperation', 'against', 'García Luna ran the old partnership; "The Mérida years gave Juárez its worst years. I do not want them back."'),
  ('nearshoring', 'favor', '"I want every one of those new buildings filled"; "nearshoring is our chance"'),
  ('china', 'neutral', 'Chinese tenants: Trojan horse or competition is "a question above my pay grade"'),
  ('deportation', 'against', '"Deporting people by the million is not a border policy. It is cruelty with a logistics budget."'),
  ('energy_nationalism', 'against', 'CFE at the centre, solar permits blocked; "Whoever wins next year should open the sector again"'),
 ],
 'avocado-2024': [
  ('amlo', 'against', 'hugs, not bullets left extortionists alone; "His legacy in this state is a map of which family pays which gang" (concedes the CFE)'),
  ('trump', 'favor', 'takes the cartels seriously: "Let him push"; "Michoacán will thank him" (but wrong on deportation, should leave the agreement alone)'),
  ('sheinbaum', 'favor', '"The new president is a different story so far": García Harfuch, arrests; "a president who reads the crime numbers"'),
  ('usmca', 'favor', 'avocados duty-free under the USMCA; "keep the accord"'),
  ('military_action', 'favor', '"I will not light a candle for the laboratory"; go after the cartels "separately if you must"'),
  ('security_cooperation', 'favor', '"joint work, not speeches"; shared intelligence, U.S. agents with Mexican prosecutors: "More of that, please"'),
  ('nearshoring', 'neutral', 'factories moving to Monterrey and the Bajío "are good news for somebody, I suppose"'),
  ('china', 'favor', '"Nor do I apologize for selling to China"; two markets better than one'),
  ('deportation', 'against', '"Mass deportation is the best recruiting drive the Jalisco cartel could ask for"'),
  ('energy_nationalism', 'favor', 'glad the CFE\'s priority is in the Constitution; "Some things a country should own"; "keep the CFE"'),
 ],
 'guadalajara-2025': [
  ('amlo', 'against', 'treated private electricity investment "as a crime against the nation"; "wanted revenge on the Supreme Court"'),
  ('trump', 'against', 'tariffs: "his rules can change between breakfast and lunch"; "working beautifully for Vietnam"'),
  ('sheinbaum', 'against', 'credit for calm with Washington, but the electricity law and judicial election: "asking my clients to bet twenty years on her goodwill"'),
  ('usmca', 'favor', 'rules of origin "the best tool"; "ours has been worth a great deal"'),
  ('military_action', 'neutral', '"I am not qualified to say whether American strikes against the cartels ... would help or hurt"'),
  ('security_cooperation', 'favor', '"the quiet work works": extraditions, shared intelligence, joint inspection; credits the prisoner transfer'),
  ('nearshoring', 'favor', '"I am unembarrassed about wanting more of this investment"'),
  ('china', 'against', 'the back-door complaint "is not invented"; relabelling "is fraud"; screen Chinese investment'),
  ('deportation', 'absent', 'not discussed'),
  ('energy_nationalism', 'against', 'cancelled auctions, frozen self-supply permits, money into Pemex; law guaranteeing the state utility most of the market'),
 ],
 'hatch-2026': [
  ('amlo', 'absent', 'not discussed'),
  ('trump', 'favor', '"I voted for Donald Trump three times, and I would do it again" (parts ways with him on Mexico)'),
  ('sheinbaum', 'favor', '"The better road is the one Mexico\'s president has already opened"; "yes to working with a Mexican president who has shown she will work with us"'),
  ('usmca', 'against', '"no to another sixteen years of a trade deal that treats my valley as an acceptable loss"'),
  ('military_action', 'against', '"Bombing Sinaloa will not shut down a fentanyl lab"; "no to bombing a neighbor"'),
  ('security_cooperation', 'favor', '"That is what cooperation looks like, and it is working"; "Washington should build on it"'),
  ('nearshoring', 'against', '"a factory in Chihuahua is somebody else\'s good news, and I am tired of being asked to applaud it"'),
  ('china', 'against', '"Beijing has found the side door. Our negotiators should shut it"'),
  ('deportation', 'favor', '"I am also for deportation"; "a clumsy policy is not a wrong one"'),
  ('energy_nationalism', 'absent', 'not discussed'),
 ],
}
with open('/work/sealed/test22/positions.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['essay', 'target', 'expected', 'as_written'])
    n = 0
    for essay, rows in P.items():
        assert len(rows) == 10 and len({t for t, _, _ in rows}) == 10
        for target, expected, gloss in rows:
            assert expected in {'favor', 'against', 'neutral', 'absent'}
            w.writerow([essay, target, expected, gloss]); n += 1
print(n, 'rows')
# coverage check: every target argued for by one writer and against by another
for t in sorted({t for rows in P.values() for t, _, _ in rows}):
    pos = {e: x for e, rows in P.items() for tt, x, _ in rows if tt == t}
    print(f'{t:22s}', ' '.join(f'{e.split("-")[0]}={x}' for e, x in pos.items()),
          'OK' if 'favor' in pos.values() and 'against' in pos.values() else 'MISSING')
for e, rows in P.items():
    print(e, 'clear positions:', sum(x in ('favor', 'against') for _, x, _ in rows))
