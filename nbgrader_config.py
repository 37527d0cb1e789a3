# nbgrader reads this file from the working directory; the real configuration is in course/.
c = get_config()  # noqa: F821
load_subconfig("course/nbgrader_config.py")  # noqa: F821
