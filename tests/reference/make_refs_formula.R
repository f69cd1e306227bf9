# R's design matrices for micropop's model formulas (micropop.models.formula),
# written to tests/reference/formula_refs.json.
#
# Run from the repository root:  Rscript tests/reference/make_refs_formula.R
# (R 4.2.2). It reads the api fixtures and never rewrites them; re-running
# reproduces the JSON byte for byte.
#
# Each case is built as R's glm builds its model frame: model.frame with
# drop.unused.levels = TRUE and na.action = na.omit, then model.matrix with the
# default contrasts (contr.treatment, contr.poly). A case gives the fixture,
# the formula micropop reads (`formula`) and the one R reads (`r_formula`, the
# same unless R spells it differently: relevel() for C(x, ref=)), the columns
# added before (`copy`: a new name for an existing column; `ordered`: a column
# made an ordered factor with these levels), and R's answer: the column names,
# the rows used (1-based), the column sums and a few rows of the matrix (at
# the positions `at`, 1-based among the rows used), the response's sum and
# first values (a factor response is 0/1, its second level 1).

suppressPackageStartupMessages(library(jsonlite))

# workers.csv: columns of micropop's demo worker survey, written by pandas
# (only double quotes quote; tests/models/test_formula_golden.py checks it still
# equals the demo data):
#   micropop.datasets.load_worker_survey()[["sex", "age_group", "education",
#     "employment", "region", "frequency", "hours_week", "earnings_month",
#     "n_platforms", "has_other_job"]].to_csv("tests/reference/fixtures/workers.csv",
#     index=False)
fixture <- function(name)
  read.csv(file.path("tests", "reference", "fixtures", paste0(name, ".csv")),
           check.names = FALSE, stringsAsFactors = TRUE, na.strings = "", quote = "\"",
           encoding = "UTF-8")

cases <- list()
add <- function(id, data, formula, r_formula = formula, copy = list(), ordered = list(),
                na_rm = FALSE, factors = list()) {
  df <- fixture(data)
  for (col in names(factors)) df[[col]] <- factor(as.character(df[[col]]),
                                                  levels = factors[[col]]$levels,
                                                  ordered = factors[[col]]$ordered)
  for (new in names(copy)) df[[new]] <- df[[copy[[new]]]]
  for (col in names(ordered)) df[[col]] <- factor(as.character(df[[col]]),
                                                  levels = ordered[[col]], ordered = TRUE)
  mf <- model.frame(as.formula(r_formula), df, drop.unused.levels = TRUE,
                    na.action = na.omit)
  if (!na_rm && nrow(mf) != nrow(df)) stop(id, ": rows with missing values")
  X <- model.matrix(attr(mf, "terms"), mf)
  if (qr(X)$rank < ncol(X)) stop(id, ": rank deficient")
  y <- model.response(mf)
  if (is.factor(y)) y <- as.numeric(y != levels(y)[1])
  if (is.logical(y)) y <- as.numeric(y)  # I(x == "a"): TRUE is 1
  n <- nrow(X)
  at <- unique(c(1, 2, 3, n %/% 2, n))
  cases[[length(cases) + 1]] <<- list(
    id = id, data = data, formula = formula, r_formula = r_formula,
    copy = copy, ordered = ordered, na_rm = na_rm, factors = factors,
    columns = colnames(X), rows = as.integer(rownames(mf)),
    column_sums = unname(colSums(X)), at = at,
    values = unname(lapply(at, function(i) unname(X[i, ]))),
    y_sum = sum(y), y_first = unname(y[1:5]))
}

add("numeric", "apistrat", "api00 ~ ell + meals + mobility")
add("factor", "apistrat", "api00 ~ stype")
add("factor_no_intercept", "apistrat", "api00 ~ stype - 1")
add("factor_times_numeric", "apistrat", "api00 ~ stype * ell")
add("numeric_by_factor_only", "apistrat", "api00 ~ stype:ell")
add("factor_by_factor", "apistrat", "api00 ~ stype + sch.wide + stype:sch.wide")
add("three_way", "apistrat", "api00 ~ stype * awards * meals")
add("transforms", "apistrat",
    "np.log(api00) ~ log(enroll) + sqrt(meals) + I(ell**2) + I((ell + 1)/2) + exp(I(full/100))",
    "log(api00) ~ log(enroll) + sqrt(meals) + I(ell^2) + I((ell + 1)/2) + exp(I(full/100))")
add("functions_of_arithmetic", "apistrat",
    "log(api00 - 100) ~ log(meals + 1) + sqrt(ell/100 + 1) + np.exp(-mobility/50)",
    "log(api00 - 100) ~ log(meals + 1) + sqrt(ell/100 + 1) + exp(-mobility/50)")
add("factor_response", "apistrat", "sch.wide ~ ell + stype")
add("no_intercept_numeric_first", "apistrat", "api00 ~ 0 + ell + stype + awards")
add("power", "apistrat", "api00 ~ (stype + awards + ell)^2")
add("interaction_no_intercept", "apistrat", "api00 ~ ell:stype + awards - 1")
add("reference_level", "apistrat", "api00 ~ C(stype, ref='M') + ell",
    "api00 ~ relevel(stype, ref = \"M\") + ell")
add("ordered_poly", "apistrat", "api00 ~ stype_o * ell", copy = list(stype_o = "stype"),
    ordered = list(stype_o = c("E", "M", "H")))
add("missing_rows", "apistrat", "api00 ~ avg.ed + acs.46 + stype", na_rm = TRUE)
add("odd_names", "apistrat", "api00 ~ `pct english` + log1p(`pct english`) + `école`:stype",
    copy = list(`pct english` = "ell", `école` = "meals"))
add("counties", "apiclus1", "api00 ~ cname + meals:stype")
add("interaction_before_main", "apiclus1", "api00 ~ stype:meals + meals + sch.wide:stype")

# The demo worker survey, its categoricals as micropop declares them.
workers <- list(
  sex = list(levels = c("female", "male"), ordered = FALSE),
  age_group = list(levels = c("18-24", "25-44", "45-64", "65-74"), ordered = TRUE),
  education = list(levels = c("below_bac", "bac", "bac+2", "above_bac+2"), ordered = TRUE),
  employment = list(levels = c("cdi", "cdd_temp", "civil_servant", "self_employed",
                               "unemployed", "student", "retired", "inactive"), ordered = FALSE),
  region = list(levels = c("Île-de-France", "Centre-Val de Loire", "Bourgogne-Franche-Comté",
                           "Normandie", "Hauts-de-France", "Grand Est", "Pays de la Loire",
                           "Bretagne", "Nouvelle-Aquitaine", "Occitanie",
                           "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Corse"),
                ordered = FALSE),
  frequency = list(levels = c("weekly", "monthly", "less_often"), ordered = TRUE))
add("workers_treatment", "workers",
    "earnings_month ~ sex + C(age_group, treatment) + hours_week + sex:hours_week",
    factors = workers)
add("workers_ordered", "workers", "log1p(earnings_month) ~ sex * age_group + log(hours_week)",
    factors = workers)
add("workers_region", "workers", "hours_week ~ region + employment", factors = workers)
add("workers_no_intercept", "workers", "n_platforms ~ frequency + sex:hours_week - 1",
    factors = workers)
add("workers_binary_response", "workers", "sex ~ hours_week + has_other_job + education",
    factors = workers)
# Comparisons inside I(): a logical variable (R names its column I(...)TRUE); as the
# response, TRUE is 1. education is ordered, so <= compares the levels' order.
add("workers_compare_response", "workers",
    "I(frequency == \"weekly\") ~ sex + C(age_group, treatment) + has_other_job",
    factors = workers)
add("workers_compare_terms", "workers",
    paste("hours_week ~ I(education <= \"bac\") + I(region != \"Corse\") + I(n_platforms > 1)",
          "+ I(earnings_month / 2 < 10.5) + sex * I(earnings_month >= 100)"),
    factors = workers)
add("workers_compare_no_intercept", "workers",
    "earnings_month ~ I(frequency != \"less_often\") + I(age_group > \"25-44\") - 1",
    factors = workers)

meta <- list(r_version = paste(R.version$major, R.version$minor, sep = "."))
writeLines(toJSON(list(meta = meta, cases = cases), auto_unbox = TRUE, digits = NA,
                  pretty = TRUE), file.path("tests", "reference", "formula_refs.json"))
