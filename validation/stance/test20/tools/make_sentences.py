import csv, essaylab
c = essaylab.load_corpus('/work/sealed/test20/essays')
with open('/work/sealed/test20/sentences.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['essay', 'sentence', 'text'])
    for e in c:
        for i, s in enumerate(e.sentences): w.writerow([e.id, i, s])
