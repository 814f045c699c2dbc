# Copies sentence text into labels.csv from the hand-typed list; checks ids/targets/labels. Assigns no label.
import csv, collections
T = {'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
L = {'favor','against','none'}
sent = {}
with open('/work/dev7/sentences.csv', encoding='utf-8') as f:
    for r in csv.DictReader(f): sent[(r['essay'], int(r['sentence']))] = r['text']
order = ['buscadora-2024','sheriff-2025','negotiator-2026','unam-2023']
rows, seen = [], set()
for line in open('/work/dev7/scripts/hand_labels.txt', encoding='utf-8'):
    if not line.strip() or line.startswith('#'): continue
    e, s, t, l = line.split(); s = int(s)
    assert (e, s) in sent, (e, s); assert t in T, t; assert l in L, l
    assert (e, s, t) not in seen, (e, s, t); seen.add((e, s, t))
    rows.append((e, s, sent[(e, s)], t, l))
rows.sort(key=lambda r: (order.index(r[0]), r[1]))  # stable: keeps typed target order within a sentence
with open('/work/dev7/labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text','target','label']); w.writerows(rows)
# verify
with open('/work/dev7/labels.csv', encoding='utf-8') as f:
    for r in csv.DictReader(f): assert r['text'] == sent[(r['essay'], int(r['sentence']))]
c = collections.Counter(); labelled = collections.defaultdict(set); pt = collections.Counter()
for e, s, _, t, l in rows: c[(e, l)] += 1; labelled[e].add(s); pt[(e, t, l)] += 1
n = collections.Counter(e for e, _ in sent)
tot = collections.Counter()
for e in order:
    fa, ag, no = c[(e,'favor')], c[(e,'against')], c[(e,'none')]
    print(f'| {e} | {fa+ag+no} | {fa} | {ag} | {no} | {len(labelled[e])} of {n[e]} |')
    tot.update(rows=fa+ag+no, f=fa, a=ag, n=no, s=len(labelled[e]), N=n[e])
print(f"| total | {tot['rows']} | {tot['f']} | {tot['a']} | {tot['n']} | {tot['s']} of {tot['N']} |")
for e in order:
    print(e, {t: '/'.join(str(pt[(e,t,l)]) for l in ('favor','against','none')) for t in sorted(T) if any(pt[(e,t,l)] for l in L)})
