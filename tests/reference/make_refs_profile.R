# Reference numbers for micropop.profile and micropop.earnings, computed with
# R's `survey` (4.1.1: svymean, svyciprop, svygofchisq, svystandardize, svychisq)
# on the demo data in data/.
#
# Run by hand, from the repository root:
#
#     Rscript tests/reference/make_refs_profile.R
#
# It writes tests/reference/golden_profile.json (no randomness, no time stamps).
# The test suite reads it and never calls R. Reference populations are rebuilt
# here from the CSV tables in data/reference, independently of micropop.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
  library(yaml)
})

read <- function(name) read.csv(file.path("data", name), fileEncoding = "UTF-8")

# factors with the codebook's levels, in its order (as micropop.read_survey)
with_levels <- function(df, codebook) {
  book <- yaml::read_yaml(file.path("data", codebook))$variables
  for (v in names(book)) {
    if (!is.null(book[[v]]$levels) && v %in% names(df)) {
      df[[v]] <- factor(df[[v]], levels = unlist(book[[v]]$levels))
    }
  }
  df
}

# --- reference populations -----------------------------------------------------
rp <- read("reference/insee_rp2018_sex_age.csv")
# share of each 5-year band inside [low, high], people spread evenly in a band
band_fraction <- function(low, high) {
  top <- ifelse(is.na(rp$age_max), Inf, rp$age_max)
  covered <- pmax(pmin(top, high) - pmax(rp$age_min, low) + 1, 0)
  covered / (top - rp$age_min + 1)
}
census <- function(by, low, high) {
  f <- band_fraction(low, high)
  if (by == "sex") {
    return(c(female = sum(rp$women * f), male = sum(rp$men * f)))
  }
  keep <- f > 0
  setNames(rp$total[keep] * f[keep], rp$age_band[keep])
}
edu <- read("reference/education_attainment.csv")
edu <- edu[edu$year == 2023 & edu$age_group == "25-64" & edu$sex == "all" & edu$level != "", ]
education_2023 <- tapply(edu$share_pct, factor(edu$level, levels = unique(edu$level)), sum)

# --- helpers --------------------------------------------------------------------
shares <- function(var, design) {
  m <- svymean(as.formula(paste0("~", var)), design)
  list(variable = var, estimate = unname(coef(m)), se = unname(SE(m)),
       vcov = unname(as.matrix(vcov(m))))
}
ciprop <- function(var, level, design) {
  p <- svyciprop(as.formula(sprintf("~I(%s == '%s')", var, level)), design, method = "logit")
  c(unname(as.numeric(attr(p, "ci"))))
}
# svygofchisq of survey 4.1.1 builds its expected counts with split(), which
# sorts the levels alphabetically, then names them in the factor's order: with
# levels not in alphabetical order (education: below_bac, bac, bac+2,
# above_bac+2) each expected count gets another level's share, and the
# eigenvalues (not the statistic) are wrong. We give R the levels sorted
# (and p in the same order), where its computation is the intended one; the
# test is invariant to the order of the levels.
gof <- function(id, var, p, design, subset = NULL) {
  levels_sorted <- sort(names(p))
  p <- p[levels_sorted]
  design$variables[[var]] <- factor(as.character(design$variables[[var]]),
                                    levels = levels_sorted)
  test <- svygofchisq(as.formula(paste0("~", var)), p, design)
  list(id = id, variable = var, subset = subset, reference = unname(as.numeric(p)),
       levels = names(p), degf = degf(design),
       statistic = unname(test$statistic), scale = unname(test$parameter["scale"]),
       df = unname(test$parameter["df"]), p_value = unname(test$p.value),
       lambda = unname(test$lambda))
}

# --- worker survey ---------------------------------------------------------------
work <- with_levels(read("worker_survey.csv"), "worker_survey.codebook.yaml")
wdes <- svydesign(ids = ~1, weights = ~weight, data = work)
w2564 <- subset(wdes, age >= 25 & age <= 64)

vars <- c("sex", "age_band", "education", "employment", "frequency")
worker <- list(degf = degf(wdes), shares = lapply(vars, shares, design = wdes))
worker$ciprop <- lapply(c("female", "male"), function(l) {
  list(variable = "sex", level = l, ci = ciprop("sex", l, wdes))
})

sex_1874 <- census("sex", 18, 74)
age_1874 <- census("age_band", 18, 74)
worker$gof <- list(
  gof("sex_18_74", "sex", sex_1874, wdes),
  gof("age_band_18_74", "age_band", age_1874, wdes),
  gof("education_25_64", "education", education_2023, w2564, subset = c(25, 64))
)

# direct standardisation to the French age structure (svystandardize, over = ~1)
std_all <- svystandardize(wdes, by = ~age_band, over = ~1, population = age_1874)
standardized <- list()
for (v in c("education", "earnings_month")) {
  m <- svymean(as.formula(paste0("~", v)), std_all)
  standardized[[length(standardized) + 1]] <- list(
    id = paste0(v, "_18_74"), variable = v, by = "age_band", population = unname(age_1874),
    levels = names(age_1874), estimate = unname(coef(m)), se = unname(as.numeric(SE(m))))
}
worker$standardize <- standardized

# Rao-Scott test of independence (for SurveyDesign.chisq, R's svychisq)
chi <- svychisq(~education + frequency, wdes, statistic = "F")
worker$chisq_education_frequency <- list(
  statistic = unname(chi$statistic), ndf = unname(chi$parameter["ndf"]),
  ddf = unname(chi$parameter["ddf"]), p_value = unname(chi$p.value))

# earnings and living standards: shares of derived indicators (svymean, svyciprop logit)
work$hourly <- work$earnings_month / (work$hours_week * 52 / 12)
work$cu <- 1 + 0.5 * (work$household_size - 1 - work$children_under14) +
  0.3 * work$children_under14
work$living <- work$hh_income_month / work$cu
smic <- read("reference/smic_hourly.csv")
poverty <- read("reference/insee_poverty_2015_2019.csv")
indicators <- list(
  "earnings_month = 0" = work$earnings_month == 0,
  "earnings_month < 5" = work$earnings_month < 5,
  "earnings_month < 10" = work$earnings_month < 10,
  "earnings_month < 20" = work$earnings_month < 20,
  "earnings_month < 50" = work$earnings_month < 50,
  "hourly earnings < SMIC 2019 (10.03)" =
    work$hourly < smic$smic_hourly_gross_eur[smic$year == 2019],
  "hourly earnings < SMIC 2018 (9.88)" =
    work$hourly < smic$smic_hourly_gross_eur[smic$year == 2018],
  "standard of living < 1026 (INSEE 2016)" =
    work$living < poverty$poverty_line_60pct_eur_month[poverty$year == 2016],
  "standard of living < 1102 (INSEE 2019)" =
    work$living < poverty$poverty_line_60pct_eur_month[poverty$year == 2019]
)
for (i in seq_along(indicators)) work[[paste0("ind", i)]] <- as.numeric(indicators[[i]])
wdes <- svydesign(ids = ~1, weights = ~weight, data = work)
worker$earnings <- lapply(seq_along(indicators), function(i) {
  v <- paste0("ind", i)
  m <- svymean(as.formula(paste0("~", v)), wdes)
  p <- svyciprop(as.formula(sprintf("~I(%s == 1)", v)), wdes, method = "logit")
  list(name = names(indicators)[i], estimate = unname(coef(m)), se = unname(SE(m)),
       ci = unname(as.numeric(attr(p, "ci"))))
})
byf <- svyby(~ind2, ~frequency, wdes, svymean)
worker$earnings_below5_by_frequency <- list(domain = as.character(byf$frequency),
                                            estimate = unname(coef(byf)),
                                            se = unname(SE(byf)))
hq <- svyquantile(~hourly, wdes, 0.5, qrule = "math", ci = TRUE)
worker$hourly_median <- list(estimate = unname(coef(hq)), se = unname(SE(hq)),
                             ci = unname(as.numeric(confint(hq))))

# --- general-population survey: stratified two-stage design with fpc ---------------
pop <- with_levels(read("population_survey.csv"), "population_survey.codebook.yaml")
pdes <- svydesign(id = ~commune_id + household_id, strata = ~region,
                  fpc = ~fpc1 + fpc2, weights = ~weight, data = pop)
p2564 <- subset(pdes, age >= 25)
population <- list(
  degf = degf(pdes),
  shares = lapply(c("sex", "age_band", "education"), shares, design = pdes),
  gof = list(gof("sex_18_64", "sex", census("sex", 18, 64), pdes),
             gof("age_band_18_64", "age_band", census("age_band", 18, 64), pdes),
             gof("education_25_64", "education", education_2023, p2564, subset = c(25, 64)))
)
pstd <- svystandardize(pdes, by = ~age_band, over = ~1, population = census("age_band", 18, 64))
m <- svymean(~education, pstd)
population$standardize <- list(list(
  id = "education_18_64", variable = "education", by = "age_band",
  population = unname(census("age_band", 18, 64)), levels = names(census("age_band", 18, 64)),
  estimate = unname(coef(m)), se = unname(as.numeric(SE(m)))))

out <- list(r_version = R.version.string,
            survey_version = as.character(packageVersion("survey")),
            worker = worker, population = population)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
           "tests/reference/golden_profile.json")
