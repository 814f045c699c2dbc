import csv, essaylab
c = essaylab.load_corpus('/work/sealed/test21/essays')
with open('/work/sealed/test21/sentences.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['essay', 'sentence', 'text'])
    for e in c:
        for i, s in enumerate(e.sentences):
            w.writerow([e.id, i, s])
print({e.id: len(e.sentences) for e in c})
