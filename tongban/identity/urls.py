from .views import accounts, codes, mandates, workbench

app_name = "identity"
urlpatterns = [*accounts.urlpatterns, *mandates.urlpatterns, *codes.urlpatterns, *workbench.urlpatterns]
