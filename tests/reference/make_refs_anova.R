# Reference numbers for micropop.models.anova (analysis of deviance tables of svyglm fits),
# for regTermTest on the replicate designs and with non-quasi families, and for svyglm on
# laeken's eusilc, computed with R's `survey`.
#
# Run by hand, from the repository root (R 4.2.2, survey 4.1.1, laeken):
#
#     Rscript tests/reference/make_refs_anova.R
#
# It writes tests/reference/anova_refs.json and the fixture
# tests/reference/fixtures/eusilc_more.csv (laeken's eusilc columns age, hsize, pl030 and
# `poor`, eqIncome below laeken's arpt, row by row beside fixtures/eusilc.csv). The api
# designs are those of golden_designs.R (golden.json's), which this script sources.
#
# - "seq_cases": anova(fit, method =, test =), R's sequential table (survey:::oneanova.svyglm):
#   for each term, last first, regTermTest of the term in the model holding it and the terms
#   before it (the later ones dropped by update()); per row: chisq, Ftest (Wald, F form), df,
#   ddf (null: Inf, the chi-square form), p and lambda (LRT: the eigenvalues; R prints their
#   mean as "DEff").
# - "two_cases": anova(fit0, fit1, method =, test =) of two nested fits (same fields).
# - "term_cases": regTermTest(fit, terms, df =, method =) on BRR, Fay, JKn and bootstrap
#   designs and with the binomial, poisson, gaussian and Gamma families.
# - "terms_cases": predict(fit, type = "terms", se.fit = TRUE) (R's predterms).
# - "eusilc_cases": svyglm on eusilc (ids = ~db030, strata = ~db040, weights = ~rb050, the
#   inequality goldens' strat_cluster design), rows with a missing value left out (na.omit):
#   coefficients, vcov (column-major), df.residual (one model on the domain eqIncome > 0),
#   and one sequential table (in seq_cases, design "eusilc").

suppressPackageStartupMessages(library(survey))
suppressPackageStartupMessages(library(jsonlite))
suppressPackageStartupMessages(library(laeken))

source(file.path("tests", "reference", "golden_designs.R"))  # build(), design_of()

fit_of <- function(design, formula, family) {
  des <<- if (is.character(design)) design_of(design) else design  # update() refits there
  fam <<- eval(parse(text = family))  # svyglm on replicates evaluates its call globally
  ctl <<- glm.control(epsilon = 1e-300, maxit = 200)
  fit <- eval(bquote(svyglm(.(as.formula(formula)), design = des, family = fam,
                            control = ctl)))
  stopifnot(fit$iter < 200)
  fit
}

test_fields <- function(r) list(
  chisq = as.numeric(r$chisq), Ftest = if (is.null(r$Ftest)) NULL else as.numeric(r$Ftest),
  df = r$df, ddf = if (is.null(r$ddf) || !is.finite(r$ddf)) NULL else r$ddf,
  p = as.numeric(r$p), lambda = if (is.null(r$lambda)) NULL else as.numeric(r$lambda))

seq_cases <- list()
add_seq <- function(id, design, formula, family, tables, subset = NULL) {
  if (!is.null(subset))
    design <- eval(parse(text = sprintf("subset(design_of(design), %s)", subset)))
  fit <- fit_of(design, formula, family)
  out <- lapply(tables, function(t) {
    a <- anova(fit, method = t[[1]], test = t[[2]])
    list(method = t[[1]], test = t[[2]], terms = unname(sapply(a, "[[", "test.terms")),
         rows = lapply(a, test_fields))
  })
  seq_cases[[length(seq_cases) + 1]] <<- list(
    id = id, design = strsplit(id, "/")[[1]][1], subset = subset, formula = formula,
    family = family, coef = unname(coef(fit)), tables = out)
}
ALL <- list(c("LRT", "F"), c("LRT", "Chisq"), c("Wald", "F"), c("Wald", "Chisq"))

add_seq("strat/gaussian", "strat", "api00 ~ ell + meals + stype + stype:meals", "gaussian()", ALL)
add_seq("strat/quasipoisson", "strat", "enroll ~ api99 + stype + meals", "quasipoisson()", ALL)
add_seq("clus1/quasibinomial", "clus1", "sch.wide ~ stype + ell + meals", "quasibinomial()",
        ALL)
add_seq("clus2/gaussian", "clus2", "api00 ~ ell * meals + stype", "gaussian()", ALL)
add_seq("clus2/quasipoisson", "clus2", "enroll ~ ell + stype", "quasipoisson()",
        list(c("LRT", "F"), c("Wald", "F")))
add_seq("clus1/no_intercept", "clus1", "api00 ~ stype + ell - 1", "gaussian()",
        list(c("LRT", "F"), c("Wald", "Chisq")))
add_seq("rep_jk1/gaussian", "rep_jk1", "api00 ~ api99 + stype", "gaussian()",
        list(c("LRT", "F"), c("Wald", "F")))
add_seq("rep_brr/quasipoisson", "rep_brr", "enroll ~ api99 + stype", "quasipoisson()",
        list(c("LRT", "F"), c("Wald", "Chisq")))

two_cases <- list()
add_two <- function(id, design, formula0, formula1, family, tables) {
  fit0 <- fit_of(design, formula0, family)
  fit1 <- fit_of(design, formula1, family)
  out <- lapply(tables, function(t) {
    r <- anova(fit0, fit1, method = t[[1]], test = t[[2]])
    c(list(method = t[[1]], test = t[[2]], terms = r$test.terms), test_fields(r))
  })
  two_cases[[length(two_cases) + 1]] <<- list(id = id, design = design, formula0 = formula0,
                                              formula1 = formula1, family = family,
                                              tables = out)
}
add_two("strat/gaussian", "strat", "api00 ~ ell", "api00 ~ ell + meals + stype", "gaussian()",
        ALL)
add_two("clus1/quasibinomial", "clus1", "sch.wide ~ meals", "sch.wide ~ stype * meals",
        "quasibinomial()", ALL)
add_two("clus2/quasipoisson", "clus2", "enroll ~ stype", "enroll ~ stype + ell + meals",
        "quasipoisson()", list(c("LRT", "F"), c("Wald", "F")))
add_two("rep_fay/gaussian", "rep_fay", "api00 ~ api99", "api00 ~ api99 + stype", "gaussian()",
        list(c("LRT", "F"), c("Wald", "Chisq")))

term_cases <- list()
add_term <- function(id, design, formula, family, tests) {
  fit <- fit_of(design, formula, family)
  out <- lapply(tests, function(t) {
    df <- if (is.null(t$df)) NULL else Inf
    r <- regTermTest(fit, as.formula(t$terms), df = df, method = t$method)
    c(list(terms = t$terms, df_arg = t$df, method = t$method), test_fields(r))
  })
  term_cases[[length(term_cases) + 1]] <<- list(id = id, design = design, formula = formula,
                                                family = family, coef = unname(coef(fit)),
                                                tests = out)
}
both <- function(terms) list(list(terms = terms, method = "Wald"),
                             list(terms = terms, method = "LRT"),
                             list(terms = terms, method = "LRT", df = "Inf"))
for (d in c("rep_brr", "rep_fay", "rep_jkn", "rep_boot")) {
  add_term(paste0(d, "/gaussian"), d, "api00 ~ api99 + stype", "gaussian()", both("~ stype"))
  # (with a second term, some BRR half-samples nearly separate: the replicate fits diverge)
  add_term(paste0(d, "/quasibinomial"), d, "sch.wide ~ api99", "quasibinomial()",
           both("~ api99"))
  add_term(paste0(d, "/quasipoisson"), d, "enroll ~ api99 + stype", "quasipoisson()",
           both("~ stype"))
}
add_term("rep_jkn/binomial", "rep_jkn", "sch.wide ~ api99 + stype", "binomial()", both("~ stype"))
add_term("strat/binomial", "strat", "sch.wide ~ ell + meals + stype", "binomial()",
         both("~ ell + meals"))
add_term("clus1/binomial_probit", "clus1", "sch.wide ~ ell + stype", "binomial(link = 'probit')",
         both("~ stype"))
add_term("clus2/poisson", "clus2", "enroll ~ ell + meals + stype", "poisson()",
         both("~ meals + stype"))
add_term("rep_boot/poisson", "rep_boot", "enroll ~ api99 + stype", "poisson()", both("~ stype"))
add_term("clus1/gaussian", "clus1", "api00 ~ ell + meals + stype", "gaussian()",
         both("~ meals"))
add_term("strat/Gamma_log", "strat", "api00 ~ ell + meals + stype", "Gamma(link = 'log')",
         both("~ stype"))
add_term("clus2/Gamma", "clus2", "api00 ~ ell + meals", "Gamma()", both("~ meals"))
add_term("rep_fay/Gamma_log", "rep_fay", "enroll ~ api99 + stype", "Gamma(link = 'log')",
         both("~ stype"))

# predict(fit, type = "terms", se.fit = TRUE): R's predterms on the fitted rows (newdata is
# ignored there); fit and se.fit as rows x terms (column-major), attr(, "constant").
terms_cases <- list()
add_terms <- function(id, design, formula, family) {
  fit <- fit_of(design, formula, family)
  r <- predict(fit, type = "terms", se.fit = TRUE)
  terms_cases[[length(terms_cases) + 1]] <<- list(
    id = id, design = design, formula = formula, family = family, terms = colnames(r$fit),
    rows = nrow(r$fit), fit = as.numeric(r$fit), se = as.numeric(r$se.fit),
    constant = attr(r$fit, "constant"))
}
add_terms("strat/gaussian", "strat", "api00 ~ ell + meals + stype", "gaussian()")
add_terms("clus1/quasibinomial", "clus1", "sch.wide ~ stype * meals", "quasibinomial()")
add_terms("clus2/quasipoisson", "clus2", "enroll ~ ell + stype", "quasipoisson()")
add_terms("clus1/no_intercept", "clus1", "api00 ~ stype + ell - 1", "gaussian()")
add_terms("rep_jk1/gaussian", "rep_jk1", "api00 ~ api99 + stype", "gaussian()")

# --- eusilc -------------------------------------------------------------------------------
fixtures <- file.path("tests", "reference", "fixtures")
data(eusilc, package = "laeken")
threshold <- as.numeric(arpt("eqIncome", "rb050", data = eusilc))
more <- data.frame(age = eusilc$age, hsize = eusilc$hsize, pl030 = eusilc$pl030,
                   poor = as.integer(eusilc$eqIncome < threshold))
write.csv(more, file.path(fixtures, "eusilc_more.csv"), row.names = FALSE, na = "")
silc <- cbind(read.csv(file.path(fixtures, "eusilc.csv"), stringsAsFactors = TRUE),
              read.csv(file.path(fixtures, "eusilc_more.csv")))
silc$rb090 <- factor(silc$rb090, levels = c("male", "female"))  # laeken's order
silc$pl030 <- factor(silc$pl030)
eusilc_design <- svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = silc)
api_design_of <- design_of
design_of <- function(name) if (name == "eusilc") eusilc_design else api_design_of(name)

eusilc_cases <- list()
add_eusilc <- function(id, formula, family, subset = NULL) {
  design <- eusilc_design
  if (!is.null(subset)) design <- eval(parse(text = sprintf("subset(design, %s)", subset)))
  fit <- fit_of(design, formula, family)
  eusilc_cases[[length(eusilc_cases) + 1]] <<- list(
    id = id, formula = formula, family = family, subset = subset, columns = names(coef(fit)),
    coef = unname(coef(fit)), vcov = as.numeric(vcov(fit)), df_residual = fit$df.residual,
    n = length(fit$y))
}
add_eusilc("gaussian_log_income", "log(eqIncome + 1) ~ rb090 + age + hsize + db040",
           "gaussian()")
add_eusilc("gaussian_pl030_domain", "log(eqIncome) ~ rb090 + age + pl030", "gaussian()",
           "eqIncome > 0")
add_eusilc("quasibinomial_poor", "poor ~ rb090 + age + pl030 + hsize", "quasibinomial()")
add_eusilc("quasipoisson_hsize", "hsize ~ rb090 + age + db040", "quasipoisson()")
# R's update() would refit the smaller models on the rows their own columns leave (more
# rows without pl030); micropop keeps the rows of the fit, so the table is made on the
# domain age >= 16, the rows with pl030.
add_seq("eusilc/gaussian", "eusilc", "log(eqIncome + 1) ~ rb090 + age + pl030", "gaussian()",
        list(c("LRT", "F"), c("Wald", "F")), subset = "age >= 16")
# (not db040: a test of the strata's own dummies is ill-conditioned, their within-stratum
# scores cancel, and R and micropop agree there to 4e-9 only)
add_seq("eusilc/quasibinomial", "eusilc", "poor ~ rb090 + age + hsize + pl030",
        "quasibinomial()", list(c("LRT", "F"), c("Wald", "Chisq")), subset = "age >= 16")

out <- list(meta = list(r = R.version.string,
                        survey = paste(as.character(packageVersion("survey")), "(Debian)"),
                        laeken = as.character(packageVersion("laeken")),
                        poverty_threshold = threshold),
            seq_cases = seq_cases, two_cases = two_cases, term_cases = term_cases,
            terms_cases = terms_cases,
            eusilc_cases = eusilc_cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = FALSE),
           file.path("tests", "reference", "anova_refs.json"))
