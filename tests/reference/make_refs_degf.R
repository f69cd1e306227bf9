# Degrees of freedom of jackknife replicate designs made from a design, for
# micropop's closed-form rank of the jackknife factors
# (micropop.variance.replication.JackknifeRank), written to
# tests/reference/golden_degf.json.
#
# Run from the repository root:  Rscript tests/reference/make_refs_degf.R
# (R 4.2.2, survey 4.1.1). It reads the fixtures make_refs.R wrote and never
# rewrites them; re-running reproduces the JSON byte for byte.
#
# R's degf of a replicate design is qr(weights(design, "analysis"),
# tol = 1e-5)$rank - 1, computed when as.svrepdesign builds it, and again on a
# subset. Each case gives the design as micropop's SurveyDesign takes it (the
# fixture, column names, lonely-PSU policy), the columns changed before the
# design is built (`set`: zero weights, a fully sampled stratum), the
# replicate type, an optional subset and R's degf.

suppressPackageStartupMessages(library(survey))

fixture <- function(name)
  read.csv(file.path("tests", "reference", "fixtures", paste0(name, ".csv")),
           check.names = FALSE, stringsAsFactors = TRUE, na.strings = "")

formula_of <- function(cols) {
  if (is.null(cols)) return(~1)
  as.formula(paste("~", paste0("`", cols, "`", collapse = " + ")))
}

# JSON: a length-one value is a scalar, except the column fields (always lists).
column_fields <- c("psu", "strata", "weights", "fpc")
jstr <- function(x) paste0("\"", x, "\"")
jval <- function(x, list = FALSE) {
  text <- if (is.logical(x)) tolower(as.character(x))
          else if (is.numeric(x)) sprintf("%.17g", x) else jstr(x)
  if (is.null(x)) "null"
  else if (length(x) == 1 && !list) text
  else paste0("[", paste(text, collapse = ", "), "]")
}
jobj <- function(fields, lists = column_fields)
  paste0("{", paste(jstr(names(fields)),
                    mapply(jval, fields, names(fields) %in% lists), sep = ": ",
                    collapse = ", "), "}")

cases <- list()
add <- function(id, data, type, psu = NULL, strata = NULL, weights = "pw", fpc = NULL,
                nest = FALSE, lonely_psu = "fail", set = list(), subset = NULL) {
  df <- fixture(data)
  for (column in names(set)) df[[column]] <- set[[column]]
  old <- options(survey.lonely.psu = lonely_psu)
  on.exit(options(old))
  des <- svydesign(id = formula_of(psu), strata = if (is.null(strata)) NULL
                   else formula_of(strata), weights = formula_of(weights),
                   fpc = if (is.null(fpc)) NULL else formula_of(fpc), nest = nest,
                   data = df)
  rep <- as.svrepdesign(des, type = type)
  if (!is.null(subset)) rep <- eval(parse(text = sprintf("subset(rep, %s)", subset)))
  spec <- list(id = id, data = data, type = type, psu = psu, strata = strata,
               weights = weights, fpc = fpc, nest = nest, lonely_psu = lonely_psu,
               subset = subset, n_replicates = ncol(rep$repweights), degf = degf(rep))
  spec$set <- if (length(set)) jobj(set, lists = names(set))
  cases[[length(cases) + 1]] <<- spec
}

# apiclus1: 15 districts (one-stage cluster sample); JK1 and, stratified by
# school type (nest), JKn.
add("clus1_jk1", "apiclus1", "JK1", psu = "dnum", fpc = "fpc")
add("clus1_jk1_nofpc", "apiclus1", "JK1", psu = "dnum")
add("clus1_jkn_nest", "apiclus1", "JKn", psu = "dnum", strata = "stype", nest = TRUE)
add("clus1_jk1_subset", "apiclus1", "JK1", psu = "dnum", fpc = "fpc",
    subset = "stype == 'H'")
# apiclus2: two stages; the replicates come from the 40 districts.
add("clus2_jk1", "apiclus2", "JK1", psu = c("dnum", "snum"), fpc = c("fpc1", "fpc2"))
add("clus2_jk1_nofpc", "apiclus2", "JK1", psu = c("dnum", "snum"))
# apistrat: 200 schools in 3 strata.
add("strat_jkn", "apistrat", "JKn", strata = "stype", fpc = "fpc")
add("strat_jkn_nofpc", "apistrat", "JKn", strata = "stype")
add("strat_jkn_subset", "apistrat", "JKn", strata = "stype", fpc = "fpc",
    subset = "stype == 'E'")
add("strat_jkn_subset_two", "apistrat", "JKn", strata = "stype", fpc = "fpc",
    subset = "stype != 'M'")
add("strat_jkn_subset_part", "apistrat", "JKn", strata = "stype", fpc = "fpc",
    subset = "api00 > 700")
# apiclus1 stratified by district, schools as PSUs: district 413 holds a single
# school (a lonely PSU) under each policy, with and without an fpc.
for (policy in c("remove", "certainty", "adjust", "average")) {
  add(paste0("singleton_", policy), "apiclus1", "JKn", strata = "dnum",
      lonely_psu = policy)
  add(paste0("singleton_", policy, "_fpc"), "apiclus1", "JKn", strata = "dnum",
      fpc = "fpc", lonely_psu = policy)
  add(paste0("singleton_", policy, "_subset"), "apiclus1", "JKn", strata = "dnum",
      lonely_psu = policy, subset = "stype == 'E'")
}
# A fully sampled stratum (fpc = its sample size) gets no replicate.
strat <- fixture("apistrat")
census_fpc <- ifelse(strat$stype == "H", 50, strat$fpc)
add("strat_census_stratum", "apistrat", "JKn", strata = "stype", fpc = "fpc",
    set = list(fpc = census_fpc))
clus1 <- fixture("apiclus1")
singleton_census_fpc <- ifelse(clus1$dnum == 413, 1, ifelse(clus1$dnum == 61, 13, 757))
add("singleton_adjust_census_strata", "apiclus1", "JKn", strata = "dnum", fpc = "fpc",
    lonely_psu = "adjust", set = list(fpc = singleton_census_fpc))
add("singleton_adjust_census_stratum", "apiclus1", "JKn", strata = "dnum", fpc = "fpc",
    lonely_psu = "adjust", set = list(fpc = ifelse(clus1$dnum == 61, 13, 757)))
# Zero weights: rows of weight zero add nothing to the rank, and a PSU whose
# rows all weigh zero drops out (district 637 in apiclus1; ten schools and
# all the high schools but one in apistrat).
add("clus1_jk1_zero_weights", "apiclus1", "JK1", psu = "dnum", fpc = "fpc",
    set = list(pw = ifelse(clus1$dnum == 637 | seq_len(nrow(clus1)) %in% c(1, 50, 90),
                           0, clus1$pw)))
zero_strat <- seq_len(nrow(strat)) %in% c(1:10, which(strat$stype == "H")[-1])
add("strat_jkn_zero_weights", "apistrat", "JKn", strata = "stype", fpc = "fpc",
    set = list(pw = ifelse(zero_strat, 0, strat$pw)))

out <- file.path("tests", "reference", "golden_degf.json")
writeLines(paste0("{\n\"meta\": ", jobj(list(
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  survey_version = as.character(packageVersion("survey")))),
  ",\n\"cases\": [\n", paste(vapply(cases, function(case) {
    set <- case$set
    case$set <- NULL
    text <- jobj(case)
    if (!is.null(set)) text <- sub("}$", paste0(", \"set\": ", set, "}"), text)
    text
  }, ""), collapse = ",\n"), "\n]\n}"), out)
