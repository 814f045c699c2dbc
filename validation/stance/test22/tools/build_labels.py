"""Copy sentence text into labels.csv from tools/hand_labels.txt; check ids, duplicates, label values; print counts.
Labels themselves are hand-written in hand_labels.txt; this script only copies and checks."""
import csv
import sys
from collections import Counter, defaultdict

ROOT = '/work/sealed/test22'
TARGETS = {'amlo', 'trump', 'sheinbaum', 'usmca', 'military_action', 'security_cooperation', 'nearshoring',
           'china', 'deportation', 'energy_nationalism'}
LABELS = {'favor', 'against', 'none'}

sentences = {}
order = []
with open(f'{ROOT}/sentences.csv', newline='', encoding='utf-8') as f:
    for r in csv.DictReader(f):
        sentences[(r['essay'], int(r['sentence']))] = r['text']
        if r['essay'] not in order:
            order.append(r['essay'])

rows, seen, errors = [], set(), []
for n, line in enumerate(open(f'{ROOT}/tools/hand_labels.txt', encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    parts = line.split('|')
    if len(parts) != 6:
        errors.append(f'line {n}: {len(parts)} fields')
        continue
    essay, sent, target, label, indirect, note = parts
    key = (essay, int(sent))
    if key not in sentences:
        errors.append(f'line {n}: no sentence {key}')
    if target not in TARGETS:
        errors.append(f'line {n}: bad target {target}')
    if label not in LABELS:
        errors.append(f'line {n}: bad label {label}')
    if indirect not in {'0', '1'}:
        errors.append(f'line {n}: bad indirect flag {indirect}')
    if (essay, int(sent), target) in seen:
        errors.append(f'line {n}: duplicate {essay} {sent} {target}')
    seen.add((essay, int(sent), target))
    rows.append((essay, int(sent), target, label, indirect, note))
if errors:
    print('\n'.join(errors))
    sys.exit(1)

rows.sort(key=lambda r: (order.index(r[0]), r[1], sorted(TARGETS).index(r[2])))
with open(f'{ROOT}/labels.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['essay', 'sentence', 'text', 'target', 'label'])
    for essay, sent, target, label, _, _ in rows:
        w.writerow([essay, sent, sentences[(essay, sent)], target, label])

if '-v' in sys.argv:
    for essay, sent, target, label, ind, note in rows:
        print(f'{essay[:6]} {sent:2d} {target:20s} {label:7s} {"i" if ind == "1" else " "} | {sentences[(essay, sent)][:110]}')

print(f'{len(rows)} rows written to labels.csv')
print(f'{"essay":18s} rows favor against none sents>=1 indirect')
tot = Counter()
for essay in order:
    rs = [r for r in rows if r[0] == essay]
    c = Counter(r[3] for r in rs)
    ns = len({r[1] for r in rs})
    ind = sum(r[4] == '1' for r in rs)
    tot.update({'rows': len(rs), 'favor': c['favor'], 'against': c['against'], 'none': c['none'], 'sents': ns,
                'ind': ind})
    print(f'{essay:18s} {len(rs):4d} {c["favor"]:5d} {c["against"]:7d} {c["none"]:4d} {ns:9d} {ind:8d}')
print(f'{"total":18s} {tot["rows"]:4d} {tot["favor"]:5d} {tot["against"]:7d} {tot["none"]:4d} {tot["sents"]:9d} {tot["ind"]:8d}')
per = defaultdict(Counter)
for essay, sent, target, label, _, _ in rows:
    per[(essay, target)][label] += 1
print('\nper essay x target (favor/against/none):')
for essay in order:
    print(essay, ' '.join(f'{t}={per[(essay, t)]["favor"]}/{per[(essay, t)]["against"]}/{per[(essay, t)]["none"]}'
                          for t in sorted(TARGETS) if per[(essay, t)]))
