# cax-sco and cax-eqc, limited to kgtool's own classes (kg:), so every kgtool superclass of an
# individual is stated and plain SPARQL needs no reasoning; external classes are left implied.
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?x a ?d } }
WHERE {
  ?c (rdfs:subClassOf|owl:equivalentClass|^owl:equivalentClass)+ ?d .
  FILTER(isIRI(?d) && STRSTARTS(STR(?d), "https://w3id.org/kgtool/ont#") && ?c != ?d)
  ?x a ?c .
  FILTER NOT EXISTS { ?x a ?d }
}
