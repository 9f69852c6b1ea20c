# ruff: noqa: E501
"""The plain formulations of the listing queries reshaped for speed at 10,000 articles
(issue 7): each is the library query as it was before, evaluated whole. tests/test_paging.py
checks that the reshaped queries answer the same rows on the seeds."""

PLAIN = {
    "claims": """
SELECT ?measure ?source ?about ?measureLabel ?value ?unit ?qualifier ?statement ?sources ?concerns
       ?claimDate ?periodStart ?periodEnd ?quote ?article ?claim
WHERE {
  ?claim a kg:Claim ; kg:statedIn ?article ; kg:evidence/oa:hasSelector/oa:exact ?quote .
  OPTIONAL { ?claim kg:measure ?m . ?m rdfs:label ?measureLabel }
  FILTER(IF(COALESCE(?measure = ?measure, false), COALESCE(sameTerm(?m, ?measure), false), true))
  FILTER(IF(COALESCE(?source = ?source, false), EXISTS { ?claim kg:attributedTo ?source }, true))
  FILTER(IF(COALESCE(?about = ?about, false), EXISTS { ?claim kg:concerns ?about }, true))
  OPTIONAL { ?claim kg:value ?value } OPTIONAL { ?claim kg:unit ?unit }
  OPTIONAL { ?claim kg:qualifier ?qualifier } OPTIONAL { ?claim kg:statement ?statement }
  OPTIONAL { ?claim kg:claimDate ?claimDate }
  OPTIONAL { ?claim kg:periodStart ?periodStart } OPTIONAL { ?claim kg:periodEnd ?periodEnd }
  OPTIONAL { SELECT ?claim (GROUP_CONCAT(DISTINCT ?sl; separator="; ") AS ?sources)
             WHERE { ?claim kg:attributedTo ?s . ?s rdfs:label ?sl } GROUP BY ?claim }
  OPTIONAL { SELECT ?claim (GROUP_CONCAT(DISTINCT ?al; separator="; ") AS ?concerns)
             WHERE { ?claim kg:concerns ?x . ?x rdfs:label ?al } GROUP BY ?claim }
}
ORDER BY ?measureLabel STR(?claimDate) ?value ?quote ?claim ?article
""",
    "co-participants": """
SELECT ?org ?partner ?partnerLabel ?kind (COUNT(DISTINCT ?event) AS ?sharedEvents)
       (GROUP_CONCAT(DISTINCT ?eventLabel; separator="; ") AS ?events)
WHERE {
  ?org ?r1 ?event .
  VALUES ?r1 { kg:organised kg:hosted kg:participatedIn kg:supported kg:funded }
  ?event a kg:Event ; rdfs:label ?eventLabel .
  ?partner ?r2 ?event .
  VALUES ?r2 { kg:organised kg:hosted kg:participatedIn kg:supported kg:funded }
  FILTER(?partner != ?org)
  ?partner rdfs:label ?partnerLabel ; a ?kind .
  FILTER(STRSTARTS(STR(?kind), STR(kg:)))
}
GROUP BY ?org ?partner ?partnerLabel ?kind
ORDER BY DESC(?sharedEvents) ?partnerLabel ?partner ?kind
""",
    "disagreeing-claims": """
SELECT ?measureLabel ?basis ?value1 ?unit ?date1 ?source1 ?quote1 ?article1 ?value2 ?date2 ?source2
       ?quote2 ?article2
WHERE {
  ?pair kg:firstClaim ?c1 ; kg:secondClaim ?c2 ; kg:basis ?basis .
  ?c1 kg:measure ?measure ; kg:value ?value1 ; kg:statedIn ?article1 ; kg:evidence ?ev1 .
  ?ev1 oa:hasSelector ?sel1 .
  ?sel1 oa:exact ?quote1 .
  ?c2 kg:value ?value2 ; kg:statedIn ?article2 ; kg:evidence ?ev2 .
  ?ev2 oa:hasSelector ?sel2 .
  ?sel2 oa:exact ?quote2 .
  ?measure rdfs:label ?measureLabel .
  OPTIONAL { ?c1 kg:unit ?unit }
  OPTIONAL { ?c1 kg:claimDate ?d1 }
  OPTIONAL { ?c2 kg:claimDate ?d2 }
  BIND(STR(?d1) AS ?date1)
  BIND(STR(?d2) AS ?date2)
  OPTIONAL { SELECT ?c1 (GROUP_CONCAT(DISTINCT ?l1; separator="; ") AS ?source1)
             WHERE { ?c1 kg:attributedTo ?a1 . ?a1 rdfs:label ?l1 } GROUP BY ?c1 }
  OPTIONAL { SELECT ?c2 (GROUP_CONCAT(DISTINCT ?l2; separator="; ") AS ?source2)
             WHERE { ?c2 kg:attributedTo ?a2 . ?a2 rdfs:label ?l2 } GROUP BY ?c2 }
}
ORDER BY ?basis ?measureLabel ?value1 ?value2 ?article1 ?article2 ?c1 ?c2
""",
    "entity-facts": """
SELECT ?entity ?direction ?relation ?other ?otherLabel ?value ?date ?quote ?article ?articleTitle
WHERE {
  {
    ?a rdf:subject ?entity ; rdf:object ?o ; a kg:Assertion ; rdf:predicate ?p ;
       kg:statedIn ?article ; kg:evidence ?ev .
    ?ev oa:hasSelector ?sel .
    ?sel oa:exact ?quote .
    ?p rdfs:label ?relation .
    BIND("outgoing" AS ?direction)
    BIND(IF(isIRI(?o), ?o, ?unbound) AS ?other)
    BIND(IF(isLITERAL(?o), ?o, ?unbound) AS ?value)
    OPTIONAL { ?o rdfs:label ?otherLabel }
    OPTIONAL { ?o kg:startDate ?date }
    OPTIONAL { ?article dcterms:title ?articleTitle }
  } UNION {
    ?a rdf:object ?entity ; rdf:subject ?o ; a kg:Assertion ; rdf:predicate ?p ;
       kg:statedIn ?article ; kg:evidence ?ev .
    ?ev oa:hasSelector ?sel .
    ?sel oa:exact ?quote .
    ?p rdfs:label ?relation .
    BIND("incoming" AS ?direction)
    BIND(IF(isIRI(?o), ?o, ?unbound) AS ?other)
    BIND(IF(isLITERAL(?o), ?o, ?unbound) AS ?value)
    OPTIONAL { ?o rdfs:label ?otherLabel }
    OPTIONAL { ?o kg:startDate ?date }
    OPTIONAL { ?article dcterms:title ?articleTitle }
  }
}
ORDER BY ?direction ?relation STR(?date) ?otherLabel ?value ?quote ?other ?article
""",
    "funding-support": """
SELECT ?funder ?funderLabel ?relation ?recipient ?recipientLabel ?date ?quote ?article
WHERE {
  VALUES ?p { kg:funded kg:supported }
  ?a a kg:Assertion ; rdf:subject ?funder ; rdf:predicate ?p ; rdf:object ?recipient ;
     kg:statedIn ?article ; kg:evidence/oa:hasSelector/oa:exact ?quote .
  ?p rdfs:label ?relation .
  ?funder rdfs:label ?funderLabel .
  ?recipient rdfs:label ?recipientLabel .
  OPTIONAL { ?recipient kg:startDate ?date }
}
ORDER BY ?funderLabel ?relation STR(?date) ?recipientLabel ?funder ?recipient ?article ?quote
""",
    "organisation-activity": """
SELECT ?org ?relation ?target ?targetLabel ?year
       (GROUP_CONCAT(DISTINCT ?partnerLabel; separator="; ") AS ?partners) ?quote ?article
WHERE {
  ?a a kg:Assertion ; rdf:subject ?org ; rdf:predicate ?p ; rdf:object ?target ;
     kg:statedIn ?article ; kg:evidence/oa:hasSelector/oa:exact ?quote .
  ?p rdfs:label ?relation .
  OPTIONAL { ?target rdfs:label ?targetLabel }
  OPTIONAL { ?article dcterms:date ?articleDate }
  OPTIONAL { ?target kg:startDate ?start }
  BIND(COALESCE(YEAR(?start), YEAR(?articleDate)) AS ?year)
  OPTIONAL {
    ?partner ?role ?target .
    VALUES ?role { kg:organised kg:hosted kg:participatedIn kg:supported kg:funded }
    ?partner rdfs:label ?partnerLabel .
    FILTER(?partner != ?org)
  }
}
GROUP BY ?org ?relation ?target ?targetLabel ?year ?quote ?article
ORDER BY ?year ?relation ?targetLabel ?quote ?target ?article
""",
    "programme-links": """
SELECT ?programme ?via ?linked ?linkedLabel ?kind ?relation ?quote ?article
WHERE {
  {
    ?a rdf:object ?programme ; a kg:Assertion ; rdf:subject ?linked ; rdf:predicate ?p ;
       kg:statedIn ?article ; kg:evidence/oa:hasSelector/oa:exact ?quote .
    ?programme rdfs:label ?via .
    ?p rdfs:label ?relation .
    ?linked rdfs:label ?linkedLabel ; a ?kind .
  } UNION {
    ?plan kg:implements ?programme ; rdfs:label ?via .
    ?a rdf:object ?plan ; a kg:Assertion ; rdf:subject ?linked ; rdf:predicate ?p ;
       kg:statedIn ?article ; kg:evidence/oa:hasSelector/oa:exact ?quote .
    ?p rdfs:label ?relation .
    ?linked rdfs:label ?linkedLabel ; a ?kind .
  }
  FILTER(STRSTARTS(STR(?kind), STR(kg:)))
}
ORDER BY ?via ?kind ?linkedLabel ?relation ?linked ?article ?quote
""",
    "quotations": """
SELECT ?speaker ?speakerLabel ?role ?orgLabel ?event ?eventLabel ?quote ?article ?articleDate
WHERE {
  ?q a kg:Quotation ; kg:speaker ?speaker ; kg:statedIn ?article ;
     kg:evidence/oa:hasSelector/oa:exact ?quote .
  ?speaker rdfs:label ?speakerLabel .
  OPTIONAL { ?q kg:saidAt ?event . ?event rdfs:label ?eventLabel }
  OPTIONAL { ?q kg:speakerPost ?post . ?post kg:roleTitle ?role .
             OPTIONAL { ?post org:organization ?o . ?o rdfs:label ?orgLabel } }
  OPTIONAL { ?article dcterms:date ?articleDate }
}
ORDER BY STR(?articleDate) ?speakerLabel ?quote ?speaker ?article ?event ?role ?orgLabel
""",
    "shared-event-chain": """
SELECT ?from ?to ?hops ?event1 ?via1 ?event2 ?via2 ?event3
WHERE {
  {
    ?from (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event1 .
    ?to (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event1 .
    ?event1 a kg:Event .
    BIND(1 AS ?hops)
  } UNION {
    # the guard comes first, so the longer chains are not searched when a shorter one exists
    BIND(EXISTS { ?from (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?e . ?to (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?e . ?e a kg:Event } AS ?oneEvent)
    FILTER(!?oneEvent)
    ?from (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event1 .
    ?event1 a kg:Event .
    ?via1 (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event1 .
    ?to (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event2 .
    ?event2 a kg:Event .
    ?via1 (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event2 .
    FILTER(?via1 != ?from && ?via1 != ?to && ?event1 != ?event2)
    BIND(2 AS ?hops)
  } UNION {
    BIND(EXISTS { ?from (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?e . ?to (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?e . ?e a kg:Event } AS ?oneEvent)
    FILTER(!?oneEvent)
    BIND(EXISTS {
      ?from (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?f1 . ?v (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?f1 . ?f1 a kg:Event .
      ?v (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?f2 . ?to (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?f2 . ?f2 a kg:Event .
      FILTER(?v != ?from && ?v != ?to && ?f1 != ?f2)
    } AS ?twoEvents)
    FILTER(!?twoEvents)
    ?from (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event1 .
    ?event1 a kg:Event .
    ?via1 (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event1 .
    ?to (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event3 .
    ?event3 a kg:Event .
    ?via2 (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event3 .
    ?via1 (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event2 .
    ?via2 (kg:organised|kg:hosted|kg:participatedIn|kg:supported|kg:funded) ?event2 .
    ?event2 a kg:Event .
    FILTER(?via1 != ?from && ?via1 != ?to && ?via2 != ?from && ?via2 != ?to && ?via1 != ?via2)
    FILTER(?event1 != ?event2 && ?event2 != ?event3 && ?event1 != ?event3)
    BIND(3 AS ?hops)
  }
}
ORDER BY ?hops STR(?event1) STR(?via1) STR(?event2) STR(?via2) STR(?event3)
""",
    "single-source-facts": """
SELECT ?entity ?subject ?subjectLabel ?relation ?object ?objectLabel ?quote ?article
WHERE {
  {
    BIND(COALESCE(?entity = ?entity, false) AS ?given)
    FILTER(!?given)
    ?a a kg:Assertion ; rdf:subject ?subject ; rdf:predicate ?p ; rdf:object ?object ;
       kg:statedIn ?article ; kg:evidence ?ev .
    FILTER NOT EXISTS { ?a kg:sourceCount ?sources }
    ?ev oa:hasSelector ?sel .
    ?sel oa:exact ?quote .
    ?p rdfs:label ?relation .
    ?subject rdfs:label ?subjectLabel .
    OPTIONAL { ?object rdfs:label ?objectLabel }
  } UNION {
    BIND(COALESCE(?entity = ?entity, false) AS ?given)
    FILTER(?given)
    ?a rdf:subject ?entity ; a kg:Assertion ; rdf:predicate ?p ; rdf:object ?object ;
       kg:statedIn ?article ; kg:evidence ?ev .
    FILTER NOT EXISTS { ?a kg:sourceCount ?sources }
    ?ev oa:hasSelector ?sel .
    ?sel oa:exact ?quote .
    ?p rdfs:label ?relation .
    ?entity rdfs:label ?subjectLabel .
    OPTIONAL { ?object rdfs:label ?objectLabel }
    BIND(?entity AS ?subject)
  } UNION {
    BIND(COALESCE(?entity = ?entity, false) AS ?given)
    FILTER(?given)
    ?a rdf:object ?entity ; a kg:Assertion ; rdf:subject ?subject ; rdf:predicate ?p ;
       kg:statedIn ?article ; kg:evidence ?ev .
    FILTER(!sameTerm(?subject, ?entity))
    FILTER NOT EXISTS { ?a kg:sourceCount ?sources }
    ?ev oa:hasSelector ?sel .
    ?sel oa:exact ?quote .
    ?p rdfs:label ?relation .
    ?subject rdfs:label ?subjectLabel .
    OPTIONAL { ?entity rdfs:label ?objectLabel }
    BIND(?entity AS ?object)
  }
  OPTIONAL { ?article dcterms:date ?articleDate }
}
ORDER BY STR(?articleDate) ?article ?a
""",
    "timeline": """
SELECT ?from ?to ?date ?dateSource ?event ?eventLabel ?places ?organisers
WHERE {
  { SELECT ?event (SAMPLE(?d) AS ?date) (SAMPLE(?src) AS ?dateSource) WHERE {
      ?event a kg:Event .
      OPTIONAL { ?event kg:startDate ?start }
      OPTIONAL { SELECT ?event (MIN(?ad) AS ?firstArticleDate) WHERE {
          ?art schema:mentions ?event ; dcterms:date ?ad . } GROUP BY ?event }
      BIND(COALESCE(?start, ?firstArticleDate) AS ?d)
      BIND(IF(BOUND(?start), "event", "article") AS ?src)
      FILTER(BOUND(?d))
    } GROUP BY ?event }
  FILTER(YEAR(?date) >= ?from && YEAR(?date) <= ?to)
  ?event rdfs:label ?eventLabel .
  OPTIONAL { SELECT ?event (GROUP_CONCAT(DISTINCT ?placeLabel; separator="; ") AS ?places)
             WHERE { ?event kg:heldIn ?place . ?place rdfs:label ?placeLabel } GROUP BY ?event }
  OPTIONAL { SELECT ?event (GROUP_CONCAT(DISTINCT ?orgLabel; separator="; ") AS ?organisers)
             WHERE { ?o ?r ?event . VALUES ?r { kg:organised kg:hosted } ?o rdfs:label ?orgLabel }
             GROUP BY ?event }
}
ORDER BY STR(?date) ?eventLabel ?event
""",
}
