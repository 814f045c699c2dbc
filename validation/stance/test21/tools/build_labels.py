"""Copy sentence text into labels.csv from the hand labels; check ids, duplicates and label values; print counts."""
import csv, collections
TARGETS = {"amlo","trump","sheinbaum","usmca","military_action","security_cooperation","nearshoring","china",
           "deportation","energy_nationalism"}
LABELS = {"favor","against","none"}
base = '/work/sealed/test21/'
sent = {}
with open(base + 'sentences.csv', encoding='utf-8') as f:
    for r in csv.DictReader(f):
        sent[(r['essay'], int(r['sentence']))] = r['text']
rows, seen = [], set()
for line in open(base + 'tools/hand_labels.txt', encoding='utf-8'):
    line = line.rstrip('\n')
    if not line or line.startswith('#'):
        continue
    essay, s, target, label, indirect, note = line.split('|', 5)
    key = (essay, int(s))
    assert key in sent, key
    assert target in TARGETS, target
    assert label in LABELS, label
    assert indirect in {"0","1"}, indirect
    assert (essay, int(s), target) not in seen, (essay, s, target)
    seen.add((essay, int(s), target))
    rows.append((essay, int(s), sent[key], target, label, indirect))
order = {e: i for i, e in enumerate(dict.fromkeys(e for e, _ in sent))}
rows.sort(key=lambda r: (order[r[0]], r[1]))
with open(base + 'labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['essay','sentence','text','target','label'])
    for r in rows:
        w.writerow(r[:5])
print('rows', len(rows))
for e in order:
    rs = [r for r in rows if r[0] == e]
    c = collections.Counter(r[4] for r in rs)
    print(f"{e}: rows={len(rs)} favor={c['favor']} against={c['against']} none={c['none']} "
          f"sentences={len({r[1] for r in rs})} of {sum(1 for k in sent if k[0]==e)} indirect={sum(r[5]=='1' for r in rs)}")
c = collections.Counter(r[4] for r in rows)
print('total', dict(c), 'indirect', sum(r[5]=='1' for r in rows), 'sentences', len({(r[0], r[1]) for r in rows}))
print()
tab = collections.defaultdict(collections.Counter)
for r in rows:
    tab[(r[0], r[3])][r[4]] += 1
for e in order:
    for t in sorted(TARGETS):
        cnt = tab.get((e, t))
        print(f"  {e:18s} {t:22s} {dict(cnt) if cnt else '-'}")
