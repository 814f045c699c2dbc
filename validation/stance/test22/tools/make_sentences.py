"""Write sentences.csv (essay,sentence,text) from Essay.sentences."""
import csv
import essaylab

corpus = essaylab.load_corpus('/work/sealed/test22/essays')
with open('/work/sealed/test22/sentences.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['essay', 'sentence', 'text'])
    n = 0
    for e in corpus:
        for i, s in enumerate(e.sentences):
            w.writerow([e.id, i, s])
            n += 1
print(n, 'sentences')
