"""Copy sentence text into labels.csv from the hand-typed hand_labels.txt list, and check it.
No code here assigns any label."""
import csv, collections
TARGETS = {'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
LABELS = {'favor','against','none'}
sents = {}
with open('/work/dev6/sentences.csv', encoding='utf-8') as f:
    for r in csv.DictReader(f):
        sents[(r['essay'], int(r['sentence']))] = r['text']
rows, seen = [], set()
for line in open('/work/dev6/scripts/hand_labels.txt', encoding='utf-8'):
    line = line.strip()
    if not line or line.startswith('#'): continue
    essay, idx, target, label = line.split()
    key = (essay, int(idx))
    assert key in sents, key
    assert target in TARGETS, target
    assert label in LABELS, label
    assert (key, target) not in seen, (key, target)
    seen.add((key, target))
    rows.append((essay, int(idx), sents[key], target, label))
order = {e: i for i, e in enumerate(dict.fromkeys(e for e, _ in sents))}
tord = ['amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism']
rows.sort(key=lambda r: (order[r[0]], r[1], tord.index(r[3])))
with open('/work/dev6/labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text','target','label']); w.writerows(rows)
# re-read and verify
with open('/work/dev6/labels.csv', encoding='utf-8') as f:
    back = list(csv.DictReader(f))
assert all(r['text'] == sents[(r['essay'], int(r['sentence']))] for r in back)
print(len(back), 'rows; all texts match sentences.csv')
cnt = collections.defaultdict(collections.Counter); lab_sents = collections.defaultdict(set); nsent = collections.Counter(e for e, _ in sents)
for r in back:
    cnt[r['essay']][r['label']] += 1; lab_sents[r['essay']].add(r['sentence'])
tot = collections.Counter()
for e in order:
    c = cnt[e]; tot.update(c)
    print(f"| {e} | {sum(c.values())} | {c['favor']} | {c['against']} | {c['none']} | {len(lab_sents[e])} of {nsent[e]} |")
print(f"| total | {sum(tot.values())} | {tot['favor']} | {tot['against']} | {tot['none']} | {sum(len(v) for v in lab_sents.values())} of {sum(nsent.values())} |")
# per target per essay summary
for e in order:
    print(e)
    for t in tord:
        c = collections.Counter(r['label'] for r in back if r['essay']==e and r['target']==t)
        if c: print('   ', t, dict(c))
