# Reference numbers for micropop.size (survey counts, multiplicity, weight share),
# computed with R's `survey` on the demo data in data/.
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_size.R
#
# It writes tests/reference/golden_size.json (no randomness, no time stamps).
# The test suite reads it and never calls R.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

read <- function(name) read.csv(file.path("data", name), fileEncoding = "UTF-8")

# --- general-population survey ----------------------------------------------
pop <- read("population_survey.csv")
pop$monthly_plus <- as.numeric(pop$microwork_freq %in% c("monthly", "weekly"))
pop$weekly <- as.numeric(pop$microwork_freq == "weekly")
pdes <- svydesign(id = ~commune_id + household_id, strata = ~region,
                  fpc = ~fpc1 + fpc2, weights = ~weight, data = pop)
N <- 38343299  # population_truth.csv: population_18_64, all

indicators <- c("microwork_12m", "monthly_plus", "weekly")
population <- list(population_total = N, degf = degf(pdes))
for (v in indicators) {
  f <- as.formula(paste0("~", v))
  tot <- svytotal(f, pdes)
  ci <- confint(tot)
  fi <- as.formula(paste0("~I(", v, " == 1)"))
  res <- list(total = unname(coef(tot)), total_se = unname(SE(tot)),
              total_ci = unname(as.numeric(ci)))
  for (m in c("logit", "beta")) {
    p <- svyciprop(fi, pdes, method = m)
    res[[paste0("share_", m)]] <- unname(as.numeric(p))
    res[[paste0("share_se_", m)]] <- unname(as.numeric(SE(p)))
    res[[paste0("share_ci_", m)]] <- unname(as.numeric(attr(p, "ci")))
  }
  population[[v]] <- res
}
bysex <- svyby(~microwork_12m, ~sex, pdes, svytotal)
population$microwork_12m_by_sex <- list(domain = as.character(bysex$sex),
                                        total = unname(coef(bysex)),
                                        total_se = unname(SE(bysex)))

# --- worker survey ------------------------------------------------------------
work <- read("worker_survey.csv")
work$one <- 1
wdes <- svydesign(ids = ~1, weights = ~weight, data = work)
m <- svymean(~n_platforms, wdes)
r <- svyratio(~n_platforms, ~one, wdes)

# persons = accounts / mean multiplicity, delta method
accounts <- 337980
persons <- svycontrast(m, quote(337980 / n_platforms))

# generalised weight share over the platforms with declared accounts
plat <- read("platforms.csv")
plat <- plat[!is.na(plat$accounts_fr), ]
ids <- plat$platform_id
links <- rowSums(work[, ids])
for (p in ids) work[[paste0(p, "_k")]] <- ifelse(work[[p]] == 1, 1 / links, 0)
wdes <- svydesign(ids = ~1, weights = ~weight, data = work)
tots <- svytotal(as.formula(paste("~", paste(c(paste0(ids, "_k"), ids), collapse = "+"))),
                 wdes)
expr <- parse(text = paste(sprintf("%.17g * %s_k / %s", plat$accounts_fr, ids, ids),
                           collapse = " + "))[[1]]
gws <- svycontrast(tots, expr)

# circles from accounts and the survey's frequency shares
work$regular <- as.numeric(work$frequency %in% c("monthly", "weekly"))
work$very_active <- as.numeric(work$frequency == "weekly")
wdes <- svydesign(ids = ~1, weights = ~weight, data = work)
joint <- svymean(~n_platforms + regular + very_active, wdes)
shares <- svycontrast(joint, list(registered = quote(337980 / n_platforms),
                                  regular = quote(337980 * regular / n_platforms),
                                  very_active = quote(337980 * very_active / n_platforms)))
hours <- svytotal(~hours_week, wdes)

worker <- list(
  mean_n_platforms = unname(coef(m)), mean_n_platforms_se = unname(SE(m)),
  ratio_n_platforms = unname(as.numeric(coef(r))),
  ratio_n_platforms_se = unname(as.numeric(SE(r))),
  accounts = accounts,
  persons = unname(coef(persons)), persons_se = unname(SE(persons)),
  weight_share = unname(coef(gws)), weight_share_se = unname(SE(gws)),
  frequency_circles = unname(coef(shares)), frequency_circles_se = unname(SE(shares)),
  hours_total = unname(coef(hours)), hours_total_se = unname(SE(hours)))

out <- list(meta = list(r_version = paste(R.version$major, R.version$minor, sep = "."),
                        survey_version = as.character(packageVersion("survey")),
                        script = "tests/reference/make_refs_size.R"),
            population = population, worker = worker)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path("tests", "reference", "golden_size.json"))
cat("wrote tests/reference/golden_size.json\n")
