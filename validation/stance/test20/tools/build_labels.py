# Copies text from sentences.csv into labels.csv for the hand labels; checks ids, duplicates, valid values.
import csv, collections
TARGETS = {'amlo','trump','sheinbaum','usmca','military_action','security_cooperation','nearshoring','china','deportation','energy_nationalism'}
sent = {(r['essay'], r['sentence']): r['text'] for r in csv.DictReader(open('/work/sealed/test20/sentences.csv', encoding='utf-8'))}
rows = []
for line in open('/work/sealed/test20/tools/hand_labels.txt', encoding='utf-8'):
    if line.startswith('#') or not line.strip(): continue
    essay, s, target, label, ind, note = line.rstrip('\n').split('|')
    assert (essay, s) in sent, (essay, s)
    assert target in TARGETS, target
    assert label in {'favor','against','none'}, label
    assert ind in {'0','1'}
    rows.append((essay, int(s), sent[(essay, s)], target, label, ind))
keys = [(r[0], r[1], r[3]) for r in rows]
dups = [k for k, n in collections.Counter(keys).items() if n > 1]
assert not dups, dups
order = {e: i for i, e in enumerate(dict.fromkeys(k[0] for k in sent))}
rows.sort(key=lambda r: (order[r[0]], r[1], sorted(TARGETS).index(r[3])))
with open('/work/sealed/test20/labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['essay','sentence','text','target','label'])
    for r in rows: w.writerow(r[:5])
# summaries
for e in order:
    rs = [r for r in rows if r[0] == e]
    c = collections.Counter(r[4] for r in rs)
    print(e, 'rows', len(rs), 'favor', c['favor'], 'against', c['against'], 'none', c['none'],
          'sentences>=1', len({r[1] for r in rs}), 'of', sum(1 for k in sent if k[0] == e), 'indirect', sum(r[5]=='1' for r in rs))
c = collections.Counter(r[4] for r in rows)
print('total rows', len(rows), dict(c), 'sentences>=1', len({(r[0], r[1]) for r in rows}), 'indirect', sum(r[5]=='1' for r in rows))
print()
for e in order:
    print(e, end=': ')
    for t in sorted(TARGETS):
        c = collections.Counter(r[4] for r in rows if r[0]==e and r[3]==t)
        if c: print(f"{t} {c['favor']}/{c['against']}/{c['none']}", end='; ')
    print()
print()
for t in sorted(TARGETS):
    rs=[r for r in rows if r[3]==t]; print(t, len(rs), 'indirect', sum(r[5]=='1' for r in rs))
